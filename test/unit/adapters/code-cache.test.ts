import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { requireWithCodeCache } from "../../../src/adapters/code-cache.js";

describe("requireWithCodeCache", () => {
  let dir: string;
  let file: string;
  let cacheDir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "kiln-codecache-"));
    file = path.join(dir, "mod.cjs");
    cacheDir = path.join(dir, "cache");
    mkdirSync(cacheDir);
    writeFileSync(
      file,
      'const path = require("node:path");\nexports.twice = (n) => 2 * n;\nexports.base = path.basename(__filename);\n',
    );
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("runs the file as CommonJS, then serves its compiled code from the cache", () => {
    const first = requireWithCodeCache(file, cacheDir);
    expect(first.cache).toBe("miss");
    const mod = first.exports as { twice(n: number): number; base: string };
    expect(mod.twice(21)).toBe(42);
    expect(mod.base).toBe("mod.cjs");
    first.save();
    const length = readFileSync(file, "latin1").length;
    const mtime = Math.trunc(statSync(file).mtimeMs);
    expect(readdirSync(cacheDir)).toEqual([`mod.cjs.${process.version}.${length}.${mtime}.v8cache`]);
    const second = requireWithCodeCache(file, cacheDir);
    expect(second.cache).toBe("hit");
    expect((second.exports as { twice(n: number): number }).twice(4)).toBe(8);
  });

  it("does not use a cache made for other source of the same length (V8 would run the old code)", () => {
    requireWithCodeCache(file, cacheDir).save();
    writeFileSync(
      file,
      'const path = require("node:path");\nexports.twice = (n) => 3 * n;\nexports.base = path.basename(__filename);\n',
    );
    // a rewrite: a new mtime, here set apart so that the two writes never share a millisecond
    utimesSync(file, new Date(), new Date(Date.now() + 5_000));
    const changed = requireWithCodeCache(file, cacheDir);
    expect(changed.cache).toBe("miss");
    expect((changed.exports as { twice(n: number): number }).twice(2)).toBe(6);
  });

  it("runs without a cache where none can be written", () => {
    const gone = path.join(dir, "no-such-dir");
    const r = requireWithCodeCache(file, gone);
    expect((r.exports as { twice(n: number): number }).twice(1)).toBe(2);
    expect(() => r.save()).not.toThrow();
    expect(existsSync(gone)).toBe(false);
  });
});
