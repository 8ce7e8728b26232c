import { describe, expect, it } from "vitest";
import { firstMiss, type MissInput } from "../../../src/core/why/first-miss.js";
import type { InputDiff } from "../../../src/core/why/input-diff.js";
import { lineDiff } from "../../../src/core/why/line-diff.js";

const DOCKERFILE = [
  "ARG BASE=kiln-local/busybox:latest",
  "FROM ${BASE} AS deps",
  "WORKDIR /app",
  "COPY requirements.txt ./",
  "RUN cat requirements.txt",
  "FROM kiln-local/busybox:latest AS docs",
  "COPY docs /docs",
  "FROM deps",
  "ARG GREETING",
  "ENV MODE=prod",
  "RUN echo $GREETING",
  "COPY src/ ./src/",
  "LABEL version=1",
  "RUN ls src",
].join("\n");

function diff(over: Partial<InputDiff> = {}): InputDiff {
  return {
    files: { added: [], removed: [], changed: [] },
    args: [],
    additionalContexts: [],
    baseImages: [],
    services: [],
    labels: false,
    ...over,
  };
}

function miss(over: Partial<MissInput>) {
  return firstMiss({ dockerfile: DOCKERFILE, diff: diff(), args: {}, serviceImages: {}, ...over });
}

describe("firstMiss", () => {
  it("maps a changed file to the COPY that reads it, and counts what runs after it", () => {
    const r = miss({ diff: diff({ files: { added: [], removed: [], changed: ["src/a.py"] } }) });
    expect(r.first).toMatchObject({ line: 12, instruction: "COPY src/ ./src/", stage: "2" });
    expect(r).toMatchObject({ willRun: 2, steps: 6 }); // the docs stage is not built
  });

  it("a file of an early stage makes the stages built FROM it run again", () => {
    const r = miss({ diff: diff({ files: { added: [], removed: [], changed: ["requirements.txt"] } }) });
    expect(r.first).toMatchObject({ line: 4, stage: "deps" });
    expect(r.willRun).toBe(5);
  });

  it("a file nothing reads misses nothing", () => {
    const r = miss({ diff: diff({ files: { added: ["docs/x.md"], removed: [], changed: [] } }) });
    expect(r.first).toBeUndefined();
    expect(r.willRun).toBe(0);
  });

  it("a build arg misses at the first RUN in its scope", () => {
    const r = miss({ diff: diff({ args: [{ name: "GREETING", before: "a", after: "b" }] }) });
    expect(r.first).toMatchObject({ line: 11, instruction: "RUN echo $GREETING" });
    expect(r.willRun).toBe(3);
  });

  it("a changed base image misses at the first step of its stage", () => {
    const r = miss({
      diff: diff({
        baseImages: [{ ref: "kiln-local/busybox:latest", before: "sha256:1", after: "sha256:2" }],
      }),
    });
    expect(r.first).toMatchObject({ line: 3, instruction: "WORKDIR /app" });
    expect(r.willRun).toBe(6);
  });

  it("a service built FROM misses at the first step of the stage FROM its image", () => {
    const r = firstMiss({
      dockerfile: "FROM proj-base\nRUN true\n",
      diff: diff({ services: [{ service: "base", before: "a", after: "b" }] }),
      args: {},
      serviceImages: { "proj-base:latest": "base" },
    });
    expect(r.first).toMatchObject({ line: 2, because: "image of service base changed" });
  });

  it("a changed line misses there; an ENV change misses at the next RUN; a LABEL change at nothing", () => {
    const changed = (from: string, to: string) =>
      miss({
        previousDockerfile: DOCKERFILE,
        dockerfile: DOCKERFILE.replace(from, to),
        diff: diff({ dockerfile: {} }),
      });
    expect(changed("RUN ls src", "RUN ls -la src").first).toMatchObject({ line: 14 });
    expect(changed("ENV MODE=prod", "ENV MODE=dev").first).toMatchObject({
      line: 11,
      instruction: "RUN echo $GREETING",
    });
    expect(changed("LABEL version=1", "LABEL version=2").first).toBeUndefined();
  });
});

describe("lineDiff", () => {
  it("lists removed and added lines with their numbers", () => {
    expect(lineDiff("a\nb\nc", "a\nB\nc\nd")).toEqual([
      { op: "-", line: 2, text: "b" },
      { op: "+", line: 2, text: "B" },
      { op: "+", line: 4, text: "d" },
    ]);
  });
});
