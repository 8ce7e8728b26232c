import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { fixDockerfile, fixUntilStable, lintDockerfile } from "../../../src/core/lint/lint.js";

function survives(text: string): void {
  const findings = lintDockerfile(text, { path: "x", contextFiles: [] });
  expect(Array.isArray(findings)).toBe(true);
  expect(typeof fixDockerfile(text, findings)).toBe("string");
  expect(typeof fixUntilStable(text, { path: "x" }).text).toBe("string");
}

/** a pseudo-random generator with a fixed seed: failures reproduce */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const PIECES = [
  "FROM ",
  "RUN ",
  "COPY ",
  "ONBUILD ",
  "ARG ",
  "ENV ",
  "USER ",
  "WORKDIR ",
  "AS ",
  "--mount=",
  "type=cache,",
  "target=",
  "id=",
  "$HOME",
  "${X:-/y}",
  "apt-get ",
  "install ",
  "update ",
  "pip ",
  "npm ci",
  "sh -c '",
  '"',
  "'",
  "\\\n",
  "\n",
  "&&",
  "||",
  ";",
  "|",
  "<<EOF\n",
  "EOF\n",
  "# kiln-ignore\n",
  "#",
  "[",
  "]",
  "{",
  "}",
  "(",
  ")",
  "$(",
  "`",
  " ",
  "\t",
  "\r\n",
  "=",
  ",",
  ".",
  "/",
  "-",
  "--no-cache-dir ",
  "rm -rf /var/lib/apt/lists/*",
  "\u0000",
  "é",
  "🙂",
];

describe("lintDockerfile never crashes", () => {
  it("on empty and blank inputs", () => {
    for (const t of [
      "",
      "\n",
      "   ",
      "\r\n\r\n",
      "#",
      "# escape=`",
      "FROM",
      "RUN",
      "RUN \\",
      "RUN <<",
      "RUN <<EOF",
      "RUN --mount",
      "RUN --mount=",
      "FROM a AS",
      "ONBUILD",
      "ONBUILD RUN",
    ])
      survives(t);
  });
  it("on binary garbage", () => {
    const r = rng(7);
    for (let i = 0; i < 50; i++) {
      const bytes = randomBytes(Math.floor(r() * 4096));
      survives(bytes.toString("utf8"));
      survives(bytes.toString("latin1"));
    }
  });
  it("on random Dockerfile-like token soup", () => {
    const r = rng(42);
    for (let i = 0; i < 400; i++) {
      let t = "";
      const n = Math.floor(r() * 80);
      for (let k = 0; k < n; k++) t += PIECES[Math.floor(r() * PIECES.length)];
      survives(t);
    }
  });
  it("on unterminated quotes, heredocs and substitutions", () => {
    for (const t of [
      "FROM a\nRUN echo 'x",
      'FROM a\nRUN echo "x',
      "FROM a\nRUN <<EOF\napt-get install x",
      "FROM a\nRUN echo $(apt-get install",
      "FROM a\nRUN echo ${X",
      'FROM a\nRUN ["sh", "-c"',
      "FROM a\nRUN sh -c",
    ])
      survives(t);
  });
  it("on a huge Dockerfile (5 MB, 60k instructions) in reasonable time", () => {
    const block =
      "FROM debian AS s\nRUN apt-get update && apt-get install -y curl \\\n  && rm -rf /var/lib/apt/lists/*\nCOPY . .\nRUN npm ci\n";
    const text = block.repeat(60_000 / 4);
    const t0 = Date.now();
    const findings = lintDockerfile(text, { path: "x" });
    expect(findings.length).toBeGreaterThan(0);
    expect(Date.now() - t0).toBeLessThan(60_000);
  });
  it("on one enormous line", () => {
    survives(`FROM a\nRUN ${"apt-get install -y x && ".repeat(20_000)}true\n`);
  });
});

const LINES = [
  "FROM debian:bookworm AS base",
  "FROM node:20",
  "FROM base",
  "FROM python:3.12-slim",
  "FROM alpine:3.20",
  "USER node",
  "USER 1001",
  "USER root",
  "ENV HOME=/srv",
  "ARG X=1",
  "WORKDIR /app",
  "COPY . .",
  "COPY package.json ./",
  "RUN apt-get update",
  "RUN apt-get install -y curl",
  "RUN apt-get update && apt-get install -y --no-install-recommends git \\\n    && apt-get clean \\\n    && rm -rf /var/lib/apt/lists/*",
  "RUN apt update && apt install -y jq",
  "RUN --mount=type=cache,target=/var/cache/apt apt-get update && apt-get install -y less",
  "RUN <<EOF\nset -e\napt-get update\napt-get install -y curl\nEOF",
  "RUN pip install --no-cache-dir -r requirements.txt",
  "RUN --mount=type=cache,target=/root/.cache/pip pip install --no-cache-dir flask",
  "RUN npm ci && npm cache clean --force",
  "RUN yarn install && yarn cache clean",
  "RUN pnpm install",
  "RUN go mod download && go build ./...",
  "RUN cargo build --release",
  "RUN mvn -B package",
  "RUN ./gradlew build",
  "RUN apk add --no-cache curl",
  "RUN uv sync --no-cache",
  'RUN ["sh", "-c", "apt-get update && apt-get install -y curl"]',
  "ONBUILD RUN npm ci",
  "RUN sh -c 'apt-get update && apt-get install -y make'",
  "# kiln-ignore",
  "RUN echo done",
];

describe("fixes reach a fixed point", () => {
  it("on 300 random Dockerfiles from realistic lines", () => {
    const r = rng(2024);
    for (let i = 0; i < 300; i++) {
      const n = 2 + Math.floor(r() * 10);
      const lines = [LINES[Math.floor(r() * 5)]];
      for (let k = 0; k < n; k++) lines.push(LINES[Math.floor(r() * LINES.length)]);
      const text = `${lines.join("\n")}\n`;
      const once = fixUntilStable(text, { path: "x" });
      const again = fixUntilStable(once.text, { path: "x" });
      expect(again.text, text).toBe(once.text);
      expect(
        lintDockerfile(once.text, { path: "x" }).filter((f) => f.fixable),
        `${text}\n---\n${once.text}`,
      ).toEqual([]);
    }
  });
});
