/**
 * Seeded generators for the fault suite's fuzzing: compose files and Dockerfiles built from a
 * grammar of what real ones contain (anchors, merge keys, interpolation, build sections, RUN
 * lines with package managers, mounts, heredocs, continuations), plus byte-level mutations of
 * real inputs (the repo's fixtures). The same seed always gives the same inputs.
 */
import fs from "node:fs";
import path from "node:path";

export type Random = () => number;

export const pick = <T>(r: Random, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const int = (r: Random, n: number): number => Math.floor(r() * n);

/** every file under `dir` whose name matches */
export function corpus(dir: string, match: RegExp): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (match.test(e.name)) out.push(fs.readFileSync(p, "utf8"));
    }
  };
  walk(dir);
  return out;
}

const NOISE = [
  "",
  " ",
  "\t",
  "\n",
  "\r\n",
  ":",
  "- ",
  "{",
  "}",
  "[",
  "]",
  "&a ",
  "*a",
  "<<: *a",
  "${",
  "$$",
  "${X:-}",
  "${X?}",
  "'",
  '"',
  "\\",
  "#",
  "\u0000",
  "\u00e9",
  "\ud83d\ude00",
  "null",
  "~",
  "!!binary ",
  "!!str ",
  "? ",
  "|",
  ">-",
  "---\n",
  "...\n",
  "0x1F",
  "1e999",
  "-1",
];

/** deletes, duplicates, inserts or swaps a few pieces of `text` */
export function mutate(r: Random, text: string): string {
  let out = text;
  const edits = 1 + int(r, 4);
  for (let i = 0; i < edits; i++) {
    const at = int(r, out.length + 1);
    const len = int(r, 12);
    switch (int(r, 6)) {
      case 0:
        out = out.slice(0, at) + out.slice(at + len);
        break;
      case 1:
        out = out.slice(0, at) + out.slice(at, at + len) + out.slice(at);
        break;
      case 2:
        out = out.slice(0, at) + pick(r, NOISE) + out.slice(at);
        break;
      case 3: {
        const lines = out.split("\n");
        const a = int(r, lines.length);
        const b = int(r, lines.length);
        [lines[a], lines[b]] = [lines[b], lines[a]];
        out = lines.join("\n");
        break;
      }
      case 4:
        out = out.slice(0, at); // truncated
        break;
      default: {
        // indentation damage
        const lines = out.split("\n");
        const a = int(r, lines.length);
        lines[a] = pick(r, ["", " ", "  ", "\t", "      "]) + (lines[a] ?? "").trimStart();
        out = lines.join("\n");
      }
    }
  }
  return out;
}

const SCALARS = [
  "web",
  ".",
  "..",
  "./api",
  "/abs",
  "Dockerfile",
  "${CTX:-.}",
  "${TAG}",
  "${MISSING?need it}",
  "$$literal",
  "123",
  "true",
  "null",
  "''",
  '""',
  "kiln-local/busybox:latest",
  "a:b:c",
  "x".repeat(300),
  "'quoted: yes'",
  "\u00e9t\u00e9",
];

function scalar(r: Random): string {
  return pick(r, SCALARS);
}

function buildSection(r: Random, indent: string): string {
  const i2 = indent + "  ";
  switch (int(r, 5)) {
    case 0:
      return ` ${scalar(r)}`;
    case 1:
      return ` { context: ${scalar(r)}, target: ${scalar(r)} }`;
    case 2:
      return ` [${scalar(r)}]`;
    default: {
      const keys = [
        `context: ${scalar(r)}`,
        `dockerfile: ${scalar(r)}`,
        `target: ${scalar(r)}`,
        `args:\n${i2}  A: ${scalar(r)}\n${i2}  B:`,
        `args: [ "A=${scalar(r)}", B ]`,
        `dockerfile_inline: |\n${i2}  FROM ${scalar(r)}\n${i2}  RUN echo hi`,
        `additional_contexts:\n${i2}  other: ${scalar(r)}`,
        `platforms: [linux/amd64, ${scalar(r)}]`,
        `cache_from: [${scalar(r)}]`,
        `secrets: [${scalar(r)}]`,
        `network: ${scalar(r)}`,
        `labels: { a: ${scalar(r)} }`,
        `x-custom: ${scalar(r)}`,
      ];
      const n = 1 + int(r, 4);
      return "\n" + Array.from({ length: n }, () => `${i2}${pick(r, keys)}`).join("\n");
    }
  }
}

function service(r: Random, name: string, others: string[]): string {
  const lines: string[] = [`  ${name}:`];
  const keys = 1 + int(r, 5);
  for (let k = 0; k < keys; k++) {
    switch (int(r, 12)) {
      case 0:
      case 1:
      case 2:
        lines.push(`    build:${buildSection(r, "    ")}`);
        break;
      case 3:
        lines.push(`    image: ${scalar(r)}`);
        break;
      case 4:
        lines.push(`    extends: ${others.length ? pick(r, others) : scalar(r)}`);
        break;
      case 5:
        lines.push(
          `    extends: { service: ${others.length ? pick(r, others) : scalar(r)}, file: ${scalar(r)} }`,
        );
        break;
      case 6:
        lines.push(`    volumes: [ "${scalar(r)}:/data", cache:/root/.cache ]`);
        break;
      case 7:
        lines.push(`    profiles: [${scalar(r)}]`);
        break;
      case 8:
        lines.push(`    depends_on: [${others.length ? pick(r, others) : scalar(r)}]`);
        break;
      case 9:
        lines.push(`    <<: *common`);
        break;
      case 10:
        lines.push(`    environment:\n      - X=${scalar(r)}\n      - ${scalar(r)}`);
        break;
      default:
        lines.push(`    ${pick(r, ["command", "ports", "x-kiln", "labels", "init"])}: ${scalar(r)}`);
    }
  }
  return lines.join("\n");
}

/** a compose file from the grammar: a few services, often an anchor, sometimes top-level volumes/include */
export function composeFromGrammar(r: Random): string {
  const names = Array.from({ length: 1 + int(r, 4) }, (_, i) =>
    pick(r, ["web", "api", "db", "dev", `s${i}`]),
  );
  const parts: string[] = [];
  if (r() < 0.3) parts.push(`name: ${scalar(r)}`);
  if (r() < 0.5) parts.push(`x-common: &common\n  restart: "no"\n  build: { context: ${scalar(r)} }`);
  parts.push("services:");
  names.forEach((n, i) => parts.push(service(r, n, names.slice(0, i))));
  if (r() < 0.3) parts.push(`volumes:\n  cache: {}\n  ${scalar(r)}:\n    external: ${scalar(r)}`);
  if (r() < 0.15) parts.push(`include:\n  - ${scalar(r)}`);
  const text = parts.join("\n") + "\n";
  return r() < 0.4 ? mutate(r, text) : text;
}

const RUNS = [
  "apt-get update && apt-get install -y curl git",
  "apt-get update\nRUN apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*",
  "--mount=type=cache,target=/var/cache/apt apt-get install -y vim",
  "--mount=type=cache,target=/root/.npm npm ci",
  "npm install && npm run build",
  "pip install -r requirements.txt",
  "pip install --no-cache-dir flask==${VER}",
  "yarn install --frozen-lockfile",
  "go build ./... && go mod download",
  "cargo build --release",
  "apk add --no-cache bash",
  "set -eux; \\\n    apt-get update; \\\n    apt-get install -y make",
  "<<EOF\napt-get update\napt-get install -y jq\nEOF",
  '["sh", "-c", "echo hi"]',
  '["unterminated',
  "echo $HOME ${X:-y} ${Y:+z} `date`",
  "if [ -f x ]; then npm ci; fi",
  "cd /app && bundle install",
  "--mount=type=secret,id=npmrc --mount=type=bind,source=.,target=/src make",
  "--network=none true",
  "useradd -u 1000 dev && chown -R dev /app",
];

function instruction(r: Random): string {
  switch (int(r, 14)) {
    case 0:
      return `FROM ${pick(r, ["kiln-local/busybox:latest", "node:20 AS build", "${BASE}", "scratch", "build", "--platform=$BUILDPLATFORM python:3.11-slim AS deps"])}`;
    case 1:
    case 2:
    case 3:
    case 4:
      return `RUN ${pick(r, RUNS)}`;
    case 5:
      return `COPY ${pick(r, [". .", "package*.json ./", "--from=build /out /app", "--chown=1000:1000 src/ /src/", "--link requirements.txt .", "<<EOF /x\nhi\nEOF"])}`;
    case 6:
      return `ADD ${pick(r, ["https://example.invalid/x.tgz /tmp/", "archive.tar.gz /opt", ". /app"])}`;
    case 7:
      return `ARG ${pick(r, ["BASE=node:20", "VER", "X=${Y}", "=", "A B"])}`;
    case 8:
      return `ENV ${pick(r, ["A=1 B=2", "PATH=/x:$PATH", "LEGACY value", "NODE_ENV production"])}`;
    case 9:
      return `WORKDIR ${pick(r, ["/app", "$HOME", "relative"])}`;
    case 10:
      return `USER ${pick(r, ["root", "1000:1000", "dev", "${UID}"])}`;
    case 11:
      return pick(r, [
        "# kiln-ignore: cache-mount",
        "# syntax=docker/dockerfile:1",
        "# escape=`",
        "",
        "# comment",
      ]);
    case 12:
      return `${pick(r, ["CMD", "ENTRYPOINT", "HEALTHCHECK", "SHELL", "ONBUILD", "STOPSIGNAL", "EXPOSE", "LABEL", "VOLUME", "MAINTAINER", "BOGUS"])} ${pick(r, ['["sh"]', "npm start", "8080", "a=b", "RUN apt-get install x", "NONE"])}`;
    default:
      return `${pick(r, ["run", "Run", "from"])} ${pick(r, RUNS)} \\`;
  }
}

export function dockerfileFromGrammar(r: Random): string {
  const n = 1 + int(r, 10);
  const lines = [instruction(r).startsWith("FROM") || r() < 0.2 ? "" : "FROM kiln-local/busybox:latest"];
  for (let i = 0; i < n; i++) lines.push(instruction(r));
  const text = lines.join(pick(r, ["\n", "\n", "\r\n"])) + (r() < 0.8 ? "\n" : "");
  return r() < 0.4 ? mutate(r, text) : text;
}
