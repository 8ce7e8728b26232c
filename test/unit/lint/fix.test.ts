import { describe, expect, it } from "vitest";
import { fixDockerfile, lintDockerfile } from "../../../src/core/lint/lint.js";
import { df, fix, lint } from "./helpers.js";

/** lines that differ between two texts, compared by position after aligning unchanged runs */
function changedLines(before: string, after: string): string[] {
  const a = new Set(before.split("\n"));
  return after.split("\n").filter((l) => !a.has(l));
}

describe("fixDockerfile", () => {
  it("adds the apt mounts, the docker-clean line, and drops the clean-up commands", () => {
    const text = df(
      "FROM debian:bookworm",
      "# tools",
      "RUN apt-get update \\",
      "    # comment kept",
      "    && apt-get install -y --no-install-recommends curl \\",
      "    && apt-get clean \\",
      "    && rm -rf /var/lib/apt/lists/*",
      'CMD ["bash"]',
    );
    const out = fix(text);
    expect(out).toBe(
      df(
        "FROM debian:bookworm",
        "# tools",
        `RUN --mount=type=cache,target=/var/lib/apt,sharing=locked --mount=type=cache,target=/var/cache/apt,sharing=locked rm -f /etc/apt/apt.conf.d/docker-clean && echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' > /etc/apt/apt.conf.d/keep-cache && apt-get update \\`,
        "    # comment kept",
        "    && apt-get install -y --no-install-recommends curl",
        'CMD ["bash"]',
      ),
    );
    expect(lint(out)).toEqual([]);
  });

  it("is idempotent and touches only the instruction lines it fixes", () => {
    const text = df(
      "# syntax=docker/dockerfile:1",
      "FROM node:20 AS web",
      "",
      "ENV NODE_ENV=production",
      "WORKDIR /app",
      "COPY package*.json ./",
      "RUN npm ci",
      "COPY . .",
      'CMD ["node", "index.js"]',
    );
    const once = fix(text);
    expect(fix(once)).toBe(once);
    expect(changedLines(text, once)).toEqual(["RUN --mount=type=cache,target=/root/.npm npm ci"]);
    expect(once.split("\n").length).toBe(text.split("\n").length);
  });

  it("puts uid/gid on the mount for a non-root USER (from useradd, numeric USER, or 1000)", () => {
    expect(
      fix(df("FROM python:3.12", "RUN useradd -u 1234 -m app", "USER app", "RUN pip install flask")),
    ).toContain("RUN --mount=type=cache,target=/home/app/.cache/pip,uid=1234,gid=1234 pip install flask");
    expect(fix(df("FROM node:20", "USER 1001:1002", "ENV HOME=/srv", "RUN npm ci"))).toContain(
      "--mount=type=cache,target=/srv/.npm,uid=1001,gid=1002 npm ci",
    );
    expect(fix(df("FROM node:20", "USER node", "RUN npm ci"))).toContain(
      "--mount=type=cache,target=/home/node/.npm,uid=1000,gid=1000 npm ci",
    );
  });

  it("removes --no-cache-dir when it adds the pip mount, keeping the rest of the line", () => {
    expect(fix(df("FROM python:3.12", "RUN pip install --no-cache-dir -r requirements.txt"))).toBe(
      df(
        "FROM python:3.12",
        "RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt",
      ),
    );
  });

  it("turns apk --no-cache into --update-cache with the mount", () => {
    expect(fix(df("FROM alpine", "RUN apk add --no-cache curl"))).toBe(
      df("FROM alpine", "RUN --mount=type=cache,target=/etc/apk/cache apk add --update-cache curl"),
    );
  });

  it("merges a split apt-get update into the install and deletes the update-only RUN", () => {
    const out = fix(
      df("FROM debian", "RUN apt-get update", "RUN DEBIAN_FRONTEND=noninteractive apt-get install -y curl"),
      { rules: ["apt-update-split"] },
    );
    expect(out).toBe(
      df(
        "FROM debian",
        "RUN DEBIAN_FRONTEND=noninteractive apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y curl",
      ),
    );
  });

  it("reaches a fixed point when rules interact (split + mounts + docker-clean)", () => {
    const text = df(
      "FROM debian",
      "RUN apt-get update",
      "RUN apt-get install -y curl",
      "RUN apt-get install -y git",
    );
    const out = fix(text);
    expect(lintDockerfile(out, { path: "Dockerfile" }).filter((f) => f.fixable)).toEqual([]);
    expect(out.match(/docker-clean/g)?.length).toBe(1);
    expect(fix(out)).toBe(out);
  });

  it("writes into heredoc scripts on their own lines", () => {
    const out = fix(
      df(
        "FROM debian",
        "RUN <<EOF",
        "#!/bin/sh",
        "set -e",
        "apt-get update",
        "apt-get install -y curl",
        "EOF",
      ),
    );
    expect(out).toBe(
      df(
        "FROM debian",
        "RUN --mount=type=cache,target=/var/lib/apt,sharing=locked --mount=type=cache,target=/var/cache/apt,sharing=locked <<EOF",
        "#!/bin/sh",
        "rm -f /etc/apt/apt.conf.d/docker-clean",
        `echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' > /etc/apt/apt.conf.d/keep-cache`,
        "set -e",
        "apt-get update",
        "apt-get install -y curl",
        "EOF",
      ),
    );
  });

  it("keeps CRLF line endings and a backtick escape directive intact", () => {
    const text = "# escape=`\r\nFROM node:20\r\nRUN npm install `\r\n    --omit=dev\r\nCMD node x\r\n";
    const out = fix(text);
    expect(out).toBe(
      "# escape=`\r\nFROM node:20\r\nRUN --mount=type=cache,target=/root/.npm npm install `\r\n    --omit=dev\r\nCMD node x\r\n",
    );
  });

  it("fixes ONBUILD triggers after the trigger keyword", () => {
    expect(fix(df("FROM node:20", "ONBUILD RUN npm ci"))).toBe(
      df("FROM node:20", "ONBUILD RUN --mount=type=cache,target=/root/.npm npm ci"),
    );
  });

  it("leaves text alone for findings that are not fixable, and ignores overlapping edits", () => {
    const text = df("FROM node:20", "COPY . .", "RUN npm ci");
    expect(fixDockerfile(text, lint(text, { rules: ["copy-before-install"] }))).toBe(text);
    const overlapping = [
      {
        rule: "a",
        line: 1,
        endLine: 1,
        severity: "warning" as const,
        message: "",
        fixable: true,
        edits: [{ start: 0, end: 4, text: "X" }],
      },
      {
        rule: "b",
        line: 1,
        endLine: 1,
        severity: "warning" as const,
        message: "",
        fixable: true,
        edits: [{ start: 2, end: 6, text: "Y" }],
      },
    ];
    expect(fixDockerfile(text, overlapping)).toBe(`X${text.slice(4)}`);
  });

  it("keeps an existing secret mount and adds the cache mount before it", () => {
    expect(fix(df("FROM node:20", "RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci"))).toBe(
      df(
        "FROM node:20",
        "RUN --mount=type=cache,target=/root/.npm --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci",
      ),
    );
  });
});
