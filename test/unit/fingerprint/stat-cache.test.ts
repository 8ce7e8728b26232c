import {
  chmodSync,
  existsSync,
  lstatSync,
  readFileSync,
  readdirSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StatCache, cachedPaths as cachedPathsByRoot } from "../../../src/adapters/fs/stat-cache.js";
import { fingerprintOne, makeTempDir, removeTempDir, writeTree } from "./helpers.js";

/** The paths stored for `root` in the cache file. */
function cachedPaths(file: string, root: string): string[] {
  return cachedPathsByRoot(file).get(root) ?? [];
}

describe("StatCache", () => {
  let dir: string;
  let cacheFile: string;
  beforeEach(() => {
    dir = makeTempDir();
    cacheFile = path.join(dir, "state", "stat-cache.json");
    writeTree(dir, { "ctx/a.txt": "a" });
  });
  afterEach(() => removeTempDir(dir));

  const aged = (rel: string, secondsAgo: number) => {
    const t = Date.now() / 1000 - secondsAgo;
    utimesSync(path.join(dir, rel), t, t);
    return lstatSync(path.join(dir, rel));
  };

  it("returns a stored hash after a reload while size, mtime, ctime and inode are unchanged", () => {
    const stats = aged("ctx/a.txt", 60);
    const first = StatCache.load(cacheFile);
    expect(first.lookup("/root", "a.txt", stats)).toBeUndefined();
    first.store("/root", "a.txt", stats, "h1");
    first.save();
    const second = StatCache.load(cacheFile);
    expect(second.lookup("/root", "a.txt", stats)).toBe("h1");
    expect(second.lookup("/other", "a.txt", stats)).toBeUndefined();
    expect(second.lookup("/root", "a.txt", { ...stats, size: stats.size + 1 })).toBeUndefined();
    expect(second.lookup("/root", "a.txt", { ...stats, ino: stats.ino + 1 })).toBeUndefined();
    expect(second.lookup("/root", "a.txt", { ...stats, ctimeMs: stats.ctimeMs + 1 })).toBeUndefined();
  });

  it("does not trust an entry whose mtime is not older than the cache file (git's racy-clean rule)", () => {
    const racy = lstatSync(path.join(dir, "ctx/a.txt")); // modified just now: same second as the save
    const cache = StatCache.load(cacheFile);
    cache.store("/root", "a.txt", racy, "h1");
    cache.save();
    expect(StatCache.load(cacheFile).lookup("/root", "a.txt", racy)).toBeUndefined();
    // once the cache is written in a later second, the same entry is trusted
    const written = lstatSync(cacheFile).mtimeMs / 1000 + 2;
    utimesSync(cacheFile, written, written);
    expect(StatCache.load(cacheFile).lookup("/root", "a.txt", racy)).toBe("h1");
  });

  it("writes atomically, leaves no temp file, and survives a corrupt cache file", () => {
    const cache = StatCache.load(cacheFile);
    cache.store("/root", "a.txt", aged("ctx/a.txt", 60), "h1");
    cache.save();
    expect(readdirSync(path.dirname(cacheFile))).toEqual(["stat-cache.json"]);
    expect(readFileSync(cacheFile).subarray(0, 8).toString("latin1")).toBe("KILNSC5\n");
    expect(cachedPaths(cacheFile, "/root")).toEqual(["a.txt"]);
    writeFileSync(cacheFile, "{not json");
    expect(
      StatCache.load(cacheFile).lookup("/root", "a.txt", lstatSync(path.join(dir, "ctx/a.txt"))),
    ).toBeUndefined();
  });

  it("skips the write when nothing changed, and drops files that disappeared", () => {
    const stats = aged("ctx/a.txt", 60);
    const first = StatCache.load(cacheFile);
    first.store("/root", "a.txt", stats, "h1");
    first.store("/root", "gone.txt", stats, "h2");
    first.save();
    const second = StatCache.load(cacheFile);
    second.lookup("/root", "a.txt", stats);
    second.save();
    expect(cachedPaths(cacheFile, "/root")).toEqual(["a.txt"]);
    const inode = lstatSync(cacheFile).ino; // a write renames a new file into place
    const third = StatCache.load(cacheFile);
    third.lookup("/root", "a.txt", stats);
    third.save();
    expect(lstatSync(cacheFile).ino).toBe(inode);
    expect(cachedPaths(cacheFile, "/root")).toEqual(["a.txt"]);
  });
  it("finds entries out of walk order, and keeps one entry per path when a root is walked twice", () => {
    writeTree(dir, { "ctx/b.txt": "b" });
    const a = aged("ctx/a.txt", 60);
    const b = aged("ctx/b.txt", 60);
    const first = StatCache.load(cacheFile);
    first.beginWalk("/root");
    first.store("/root", "a.txt", a, "ha");
    first.store("/root", "b.txt", b, "hb");
    first.beginWalk("/root");
    first.store("/root", "a.txt", a, "ha");
    first.save();
    expect(cachedPaths(cacheFile, "/root")).toEqual(["a.txt", "b.txt"]);
    const second = StatCache.load(cacheFile);
    second.beginWalk("/root");
    expect(second.lookup("/root", "a.txt", a)).toBe("ha");
    expect(second.lookup("/root", "b.txt", b)).toBe("hb");
    const inode = lstatSync(cacheFile).ino;
    second.save();
    expect(lstatSync(cacheFile).ino).toBe(inode);
  });
});

describe("StatCache file", () => {
  let dir: string;
  let cacheFile: string;
  beforeEach(() => {
    dir = makeTempDir();
    cacheFile = path.join(dir, "state", "stat-cache.bin");
    writeTree(dir, { "ctx/a.txt": "a", "ctx/b.txt": "b" });
  });
  afterEach(() => removeTempDir(dir));

  const aged = (rel: string) => {
    const t = Date.now() / 1000 - 60;
    utimesSync(path.join(dir, rel), t, t);
    return lstatSync(path.join(dir, rel));
  };

  it("keeps the roots a run did not walk, and names beyond ASCII", () => {
    const a = aged("ctx/a.txt");
    const b = aged("ctx/b.txt");
    const first = StatCache.load(cacheFile);
    first.beginWalk("/one");
    first.store("/one", "é/ü\n.txt", a, "644:h1");
    first.beginWalk("/two");
    first.store("/two", "b.txt", b, "644:h2");
    first.save();
    const second = StatCache.load(cacheFile);
    second.beginWalk("/two");
    second.store("/two", "c.txt", a, "644:h3");
    second.save();
    const third = StatCache.load(cacheFile);
    third.beginWalk("/one");
    expect(third.lookup("/one", "é/ü\n.txt", a)).toBe("644:h1");
    third.beginWalk("/two");
    expect(third.lookup("/two", "b.txt", b)).toBeUndefined();
    expect(third.lookup("/two", "c.txt", a)).toBe("644:h3");
    expect(cachedPaths(cacheFile, "/one")).toEqual(["é/ü\n.txt"]);
  });

  it("keeps names beyond Latin-1 (a root stored two bytes a character), in walk order and out of it", () => {
    const a = aged("ctx/a.txt");
    const b = aged("ctx/b.txt");
    const first = StatCache.load(cacheFile);
    first.beginWalk("/wide");
    first.store("/wide", "名前/€.txt", a, "644:h1");
    first.store("/wide", "z.txt", b, "644:h2");
    first.save();
    expect(cachedPaths(cacheFile, "/wide")).toEqual(["名前/€.txt", "z.txt"]);
    const inOrder = StatCache.load(cacheFile);
    inOrder.beginWalk("/wide");
    expect(inOrder.lookup("/wide", "名前/€.txt", a)).toBe("644:h1");
    expect(inOrder.lookup("/wide", "z.txt", b)).toBe("644:h2");
    const reversed = StatCache.load(cacheFile);
    reversed.beginWalk("/wide");
    expect(reversed.lookup("/wide", "z.txt", b)).toBe("644:h2");
    expect(reversed.lookup("/wide", "名前/€.txt", a)).toBe("644:h1");
    // a name that is a prefix of a stored one is not that one
    expect(StatCache.load(cacheFile).lookup("/wide", "名前/€.tx", a)).toBeUndefined();
  });

  it("keeps a fractional mtime and a large inode exact", () => {
    const a = aged("ctx/a.txt");
    const odd = {
      ...a,
      mtimeMs: 1_700_000_000_000 + 123.4567,
      ctimeMs: 1_700_000_000_000 + 987.6543,
      ino: 2 ** 52 + 3,
    };
    const first = StatCache.load(cacheFile);
    first.store("/root", "a.txt", odd, "644:h1");
    first.save();
    expect(StatCache.load(cacheFile).lookup("/root", "a.txt", odd)).toBe("644:h1");
    expect(
      StatCache.load(cacheFile).lookup("/root", "a.txt", { ...odd, mtimeMs: odd.mtimeMs + 0.001 }),
    ).toBeUndefined();
  });

  it("counts an older kiln's JSON cache or a truncated file as no cache", () => {
    const a = aged("ctx/a.txt");
    const cache = StatCache.load(cacheFile);
    cache.store("/root", "a.txt", a, "644:h1");
    cache.save();
    const bytes = readFileSync(cacheFile);
    writeFileSync(cacheFile, bytes.subarray(0, bytes.length - 8));
    expect(StatCache.load(cacheFile).lookup("/root", "a.txt", a)).toBeUndefined();
    // a string table that runs backwards (damaged) is no cache either, and no crash
    const damaged = Buffer.from(bytes);
    const startsAt = 8 + 16 + 4 * 8; // magic, head, one entry's numbers
    damaged.writeUInt32LE(1000, startsAt + 4);
    writeFileSync(cacheFile, damaged);
    expect(StatCache.load(cacheFile).lookup("/root", "a.txt", a)).toBeUndefined();
    writeFileSync(cacheFile, bytes);
    expect(StatCache.load(cacheFile).lookup("/root", "a.txt", a)).toBe("644:h1");
    writeFileSync(
      cacheFile,
      JSON.stringify({ v: 3, roots: { "/root": ["a.txt", a.size, a.mtimeMs, a.ctimeMs, a.ino, "644:h1"] } }),
    );
    expect(StatCache.load(cacheFile).lookup("/root", "a.txt", a)).toBeUndefined();
  });
});

describe("fingerprint with a stat cache", () => {
  let dir: string;
  let cacheFile: string;
  beforeEach(() => {
    dir = makeTempDir();
    cacheFile = path.join(dir, "state", "cache.json");
    writeTree(dir, { "ctx/Dockerfile": "FROM kiln-local/busybox\nCOPY . /\n", "ctx/a.txt": "aaaa" });
  });
  afterEach(() => removeTempDir(dir));

  it("sees a same-size rewrite made within the same second as the cached hash", async () => {
    const ctx = path.join(dir, "ctx");
    const first = await fingerprintOne(ctx, {}, { cacheFile });
    expect(existsSync(cacheFile)).toBe(true);
    const mtime = lstatSync(path.join(ctx, "a.txt")).mtime;
    writeFileSync(path.join(ctx, "a.txt"), "bbbb");
    // even with the old mtime put back (only ctime moves), the change must be seen
    utimesSync(path.join(ctx, "a.txt"), mtime, mtime);
    const second = await fingerprintOne(ctx, {}, { cacheFile });
    expect(second.hash).not.toBe(first.hash);
    writeFileSync(path.join(ctx, "a.txt"), "aaaa");
    const third = await fingerprintOne(ctx, {}, { cacheFile });
    expect(third.hash).toBe(first.hash);
  });

  it("gives the same fingerprint cold and warm", async () => {
    const ctx = path.join(dir, "ctx");
    for (let i = 0; i < 50; i++) writeTree(ctx, { [`d${i % 5}/f${i}.txt`]: `content ${i}` });
    const t = Date.now() / 1000 - 60;
    for (let i = 0; i < 50; i++) utimesSync(path.join(ctx, `d${i % 5}/f${i}.txt`), t, t);
    const cold = await fingerprintOne(ctx, {}, { cacheFile });
    const warm = await fingerprintOne(ctx, {}, { cacheFile });
    const uncached = await fingerprintOne(ctx);
    expect(warm).toEqual(cold);
    expect(uncached).toEqual(cold);
  });

  it("sees a chmod through a warm cache", async () => {
    const ctx = path.join(dir, "ctx");
    const old = Date.now() / 1000 - 60;
    utimesSync(path.join(ctx, "a.txt"), old, old);
    const first = await fingerprintOne(ctx, {}, { cacheFile });
    chmodSync(path.join(ctx, "a.txt"), 0o700);
    const second = await fingerprintOne(ctx, {}, { cacheFile });
    expect(second.files["a.txt"]).toMatch(/^700:/);
    expect(second.files["a.txt"].slice(4)).toBe(first.files["a.txt"].slice(4));
  });
});
