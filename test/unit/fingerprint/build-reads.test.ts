import { describe, expect, it } from "vitest";
import { contextReads, ReadSet } from "../../../src/core/fingerprint/build-reads.js";

describe("contextReads", () => {
  it("lists COPY/ADD sources (shell and JSON form), leaving out --from copies, heredocs and URLs", () => {
    const text = [
      "FROM kiln-local/busybox AS base",
      "COPY --chown=1:1 requirements.txt ./app/ /srv/",
      'COPY ["src/main.py", "/srv/"]',
      "COPY --from=kiln-local/other /x /x",
      "COPY <<EOF /etc/conf",
      "COPY notme",
      "EOF",
      "ADD https://example.com/a.tgz /tmp/",
      "ADD vendor/*.tgz /tmp/",
      "RUN --mount=type=bind,source=data/seed.sql,target=/seed --mount=type=cache,target=/c true",
    ].join("\n");
    expect(contextReads(text)).toEqual({
      sources: ["app", "data/seed.sql", "requirements.txt", "src/main.py", "vendor/*.tgz"],
      whole: [],
    });
  });

  it("reads only the stages the target needs", () => {
    const text = [
      "FROM kiln-local/busybox AS deps",
      "COPY package.json /",
      "FROM kiln-local/busybox AS docs",
      "COPY docs /docs",
      "FROM deps AS build",
      "COPY src /src",
      "FROM kiln-local/busybox AS final",
      "COPY --from=build /src /src",
      "RUN --mount=from=1,target=/d true",
    ].join("\n");
    expect(contextReads(text).sources).toEqual(["docs", "package.json", "src"]);
    expect(contextReads(text, { target: "build" }).sources).toEqual(["package.json", "src"]);
    expect(contextReads(text, { target: "docs" }).sources).toEqual(["docs"]);
  });

  it("falls back to the whole context where it cannot know, saying why", () => {
    const cases: [string, RegExp][] = [
      ["FROM a\nCOPY . /app\n", /copies the whole context/],
      ["FROM a\nCOPY ./ /app\n", /copies the whole context/],
      ["FROM a\nCOPY $SRC /app\n", /variable/],
      ["FROM a\nRUN --mount=type=bind,target=/src make\n", /whole context/],
      ["FROM a\nRUN --mount=target=/src make\n", /whole context/],
      ["FROM a\nONBUILD COPY x /\n", /ONBUILD/],
      ["# syntax=example.com/frontend:1\nFROM a\nCOPY x /\n", /frontend/],
      ["FROM a\nCOPY ../x /\n", /\.\./],
      ["FROM a\nCOPY --from=$STAGE /x /\nFROM b\nCOPY . /\n", /whole context/],
      ["FROM a\nCOPY onlyone\n", /cannot read/],
    ];
    for (const [text, why] of cases) {
      const reads = contextReads(text);
      expect(reads.sources, text).toBeUndefined();
      expect(reads.whole.join("; "), text).toMatch(why);
    }
    expect(contextReads("# syntax=docker/dockerfile:1.4\nFROM a\nCOPY x /\n").sources).toEqual(["x"]);
    expect(
      contextReads("FROM a\nCOPY x /\n", { args: { BUILDKIT_SYNTAX: "evil/frontend" } }).sources,
    ).toBeUndefined();
  });

  it("gives the line of each fallback", () => {
    expect(contextReads("FROM a\n\nCOPY . /\n").whole).toEqual(["line 3: COPY . copies the whole context"]);
  });
});

describe("ReadSet", () => {
  it("wants matched entries, everything below them, and the directories on the way", () => {
    const set = new ReadSet(["requirements.txt", "src/app", "package*.json", "lib/*/index.js", "deep/**/x"]);
    for (const rel of [
      "requirements.txt",
      "src",
      "src/app",
      "src/app/a/b.py",
      "package.json",
      "package-lock.json",
      "lib",
      "lib/one",
      "lib/one/index.js",
      "deep",
      "deep/any/thing",
    ]) {
      expect(set.wants(rel), rel).toBe(true);
    }
    for (const rel of [
      ".devcontainer",
      ".devcontainer/devcontainer.json",
      "data",
      "src/other",
      "lib/one/x.js",
      "requirements.txt.bak",
    ]) {
      expect(set.wants(rel), rel).toBe(false);
    }
  });

  it("matches any name for a segment with a character class or an escape (never less than Docker)", () => {
    const set = new ReadSet(["[ab].txt"]);
    expect(set.wants("c.txt")).toBe(true);
    expect(new ReadSet(["*.txt"]).wants(".hidden.txt")).toBe(true);
  });
});
