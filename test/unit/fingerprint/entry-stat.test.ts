import { lstatSync, utimesSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  chooseLstat,
  lstatEntry,
  rawBinding,
  type EntryStat,
  type RawLstat,
} from "../../../src/adapters/fs/entry-stat.js";
import { makeTempDir, removeTempDir, writeTree } from "./helpers.js";

const fieldsOf = (s: EntryStat | undefined) =>
  s && { mode: s.mode, size: s.size, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs, ino: s.ino };

describe("the context walk's lstat", () => {
  let dir: string;
  beforeEach(() => {
    dir = makeTempDir();
    writeTree(dir, {
      "a.txt": "hello",
      "sub/b.sh": { content: "#!/bin/sh\n", mode: 0o755 },
      link: { link: "a.txt" },
      dangling: { link: "nowhere" },
      empty: { dir: true },
    });
    // a fractional mtime: the binding's seconds + nanoseconds must give Stats' exact double
    utimesSync(path.join(dir, "a.txt"), 1_700_000_000.123456, 1_700_000_000.987654);
  });
  afterEach(() => removeTempDir(dir));

  it("takes the fs binding on this Node and reads what lstatSync reads, entry by entry", () => {
    const raw = rawBinding();
    expect(raw).toBeDefined();
    const fast = chooseLstat(dir, raw);
    expect(fast).not.toBe(lstatEntry);
    for (const rel of ["", "a.txt", "sub", "sub/b.sh", "link", "dangling", "empty"]) {
      const abs = path.join(dir, rel);
      expect(fieldsOf(fast(abs)), rel).toEqual(fieldsOf(lstatSync(abs)));
    }
  });

  it("gives undefined for a vanished entry or a path through a file, and throws what lstatSync throws otherwise", () => {
    for (const lstat of [chooseLstat(dir, rawBinding()), lstatEntry]) {
      expect(lstat(path.join(dir, "gone.txt"))).toBeUndefined();
      expect(lstat(path.join(dir, "a.txt", "x"))).toBeUndefined();
      expect(() => lstat(`${"x".repeat(5000)}/y`)).toThrow(expect.objectContaining({ code: "ENAMETOOLONG" }));
    }
  });

  it("falls back to lstatSync when the binding is missing, throws, or reads differently", () => {
    expect(chooseLstat(dir, undefined)).toBe(lstatEntry);
    const throwing: RawLstat = () => {
      throw new TypeError("changed signature");
    };
    expect(chooseLstat(dir, throwing)).toBe(lstatEntry);
    const otherLayout: RawLstat = () => new Float64Array(36).fill(7);
    expect(chooseLstat(dir, otherLayout)).toBe(lstatEntry);
    expect(fieldsOf(lstatEntry(path.join(dir, "a.txt")))).toEqual(
      fieldsOf(lstatSync(path.join(dir, "a.txt"))),
    );
  });

  it("leaves the binding alone when pending deprecations are to be printed (DEP0111)", () => {
    const saved = process.env.NODE_PENDING_DEPRECATION;
    process.env.NODE_PENDING_DEPRECATION = "1";
    try {
      expect(rawBinding()).toBeUndefined();
    } finally {
      if (saved === undefined) delete process.env.NODE_PENDING_DEPRECATION;
      else process.env.NODE_PENDING_DEPRECATION = saved;
    }
  });
});
