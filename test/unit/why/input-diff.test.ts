import { describe, expect, it } from "vitest";
import type { FingerprintManifest } from "../../../src/core/fingerprint/index.js";
import { diffIsEmpty, inputDiff } from "../../../src/core/why/input-diff.js";
import { diffLines } from "../../../src/report/why-text.js";

function manifest(over: Partial<FingerprintManifest> = {}): FingerprintManifest {
  return {
    version: 1,
    hash: "h0",
    dockerfile: "d0",
    dockerfileText: "FROM a\nCOPY x /\n",
    files: { "x.txt": "644:1", src: "d755", "src/a.py": "644:2" },
    args: { GREETING: "hi" },
    platforms: [],
    additionalContexts: {},
    baseImages: { a: "sha256:1" },
    dependsOnServices: {},
    ...over,
  };
}

describe("inputDiff", () => {
  it("sorts files into added/removed/changed and names values before and after", () => {
    const cur = manifest({
      hash: "h1",
      dockerfile: "d1",
      dockerfileText: "FROM a\nCOPY y /\n",
      files: { "x.txt": "644:9", new: "d755", "new/b.py": "644:3" },
      args: { GREETING: "hello", EXTRA: null },
      baseImages: { a: "sha256:2" },
    });
    const d = inputDiff(manifest(), cur);
    expect(d.files).toEqual({ added: ["new/b.py"], removed: ["src/a.py"], changed: ["x.txt"] });
    expect(d.dockerfile?.lines).toEqual([
      { op: "-", line: 2, text: "COPY x /" },
      { op: "+", line: 2, text: "COPY y /" },
    ]);
    expect(d.args).toEqual([
      { name: "EXTRA", before: undefined, after: null },
      { name: "GREETING", before: "hi", after: "hello" },
    ]);
    expect(d.baseImages).toEqual([{ ref: "a", before: "sha256:1", after: "sha256:2" }]);
    expect(diffIsEmpty(d)).toBe(false);
    expect(diffIsEmpty(inputDiff(manifest(), manifest()))).toBe(true);
    expect(diffLines(d)).toContain('build arg GREETING: "hi" → "hello"');
  });

  it("groups a long file list by folder", () => {
    const files = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`d${i % 2}/f${i}`, "644:1"]));
    const d = inputDiff(manifest({ files: {} }), manifest({ hash: "h1", files }));
    expect(diffLines(d)).toEqual(["files added: 30 files in d0/ (15), d1/ (15)"]);
  });
});
