/**
 * The context listing's digest memo: a walk whose listing is the one the last run hashed reuses
 * that digest, and any difference — a file's content, one more or one fewer entry, another mode —
 * hashes anew. The tests tamper with a stored digest to see which way a walk went: a reused digest
 * is the tampered one, a fresh one is the true one.
 */
import { chmodSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FsFingerprintIo, listingMemoFile } from "../../../src/adapters/fs/context-hasher.js";
import { ListingMemo } from "../../../src/adapters/fs/listing-memo.js";
import { ReadSet } from "../../../src/core/fingerprint/build-reads.js";
import { makeTempDir, removeTempDir, writeTree } from "./helpers.js";

const FAKE = "f".repeat(64);

let dir: string;
let ctx: string;
let cacheFile: string;

beforeEach(() => {
  dir = makeTempDir();
  ctx = path.join(dir, "ctx");
  cacheFile = path.join(dir, "state", "stat-cache.bin");
  const tree: Record<string, string> = { Dockerfile: "FROM scratch\n", "é-ünïcode/ħ.txt": "wide name\n" };
  for (let i = 0; i < 700; i++) tree[`src/d${i % 7}/f${i}.txt`] = `file ${i}\n`;
  writeTree(ctx, tree);
});
afterEach(() => removeTempDir(dir));

/** one run: a fresh io over the persisted caches, one walk, flushed like a bake does */
function walk(reads?: ReadSet): string {
  const io = new FsFingerprintIo({ cacheFile });
  const digest = io.hashContext(ctx, undefined, reads).digest;
  io.flush();
  return digest;
}

/** the digest with no cache or memo at all */
const truth = (reads?: ReadSet): string => new FsFingerprintIo().hashContext(ctx, undefined, reads).digest;

/** replaces every stored digest with FAKE (same length: the file stays well-formed) */
function tamper(): void {
  const file = listingMemoFile(cacheFile);
  const data = readFileSync(file);
  let text = data.toString("latin1");
  for (const m of text.match(/[0-9a-f]{64}/g) ?? []) text = text.replaceAll(m, FAKE);
  writeFileSync(file, Buffer.from(text, "latin1"));
}

describe("context listing memo", () => {
  it("reuses the stored digest for the very listing it was made from, across runs", () => {
    const first = walk();
    expect(first).toBe(truth());
    expect(walk()).toBe(first); // stored, then reused: the same value either way
    tamper();
    // the listing is unchanged: the walk takes the stored digest (here the tampered one) …
    expect(walk()).toBe(FAKE);
  });

  it("hashes anew when a file's content, the entry list or a mode differs", () => {
    walk();
    tamper();
    writeFileSync(path.join(ctx, "src/d3/f3.txt"), "changed\n");
    expect(walk()).toBe(truth());
    tamper();
    writeFileSync(path.join(ctx, "zz-last.txt"), "one more at the end\n");
    expect(walk()).toBe(truth());
    tamper();
    rmSync(path.join(ctx, "zz-last.txt"));
    expect(walk()).toBe(truth()); // a prefix of the stored listing
    tamper();
    chmodSync(path.join(ctx, "src/d1"), 0o700);
    expect(walk()).toBe(truth()); // a directory's mode: no stat-cache entry of its own
  });

  it("keeps one listing per selection of the context, and only this run's for a walked root", () => {
    const onlyD1 = new ReadSet(["src/d1"]);
    walk();
    walk(onlyD1);
    expect(walk(onlyD1)).toBe(truth(onlyD1));
    tamper();
    expect(walk(onlyD1)).toBe(FAKE);
    // a run that walks the root with one selection only leaves the other listing out
    const keys = [
      ...readFileSync(listingMemoFile(cacheFile))
        .toString("latin1")
        .matchAll(/\0\*\0/g),
    ];
    expect(keys).toHaveLength(0);
    expect(walk()).toBe(truth());
  });

  it("matches an entry only where its whole line stands, and stops at the first that differs", () => {
    const written = ListingMemo.load(path.join(dir, "k.bin"));
    written.record("/r", "/r\0k", "a\x00644:xy\nb\x00644:z\n", "0".repeat(64));
    written.save();
    const memo = ListingMemo.load(path.join(dir, "k.bin"));
    const cases: [string, string][] = [
      ["a", "644:x"], // the stored description goes on
      ["a", "644:xyz"], // longer than the stored one
      ["a\x00644:x", "y"], // the same characters, the separator elsewhere
      ["", "a\x00644:xy"],
      ["b", "644:z"], // the second line, out of turn
    ];
    for (const [rel, description] of cases) {
      const match = memo.match("/r\0k");
      expect(match.entry(rel, description)).toBe(false);
      expect(match.matchedText()).toBe("");
      expect(match.entry("a", "644:xy")).toBe(false); // once it differs, nothing matches
    }
    const match = memo.match("/r\0k");
    expect(match.entry("a", "644:xy")).toBe(true);
    expect(match.entry("b", "644:y")).toBe(false);
    expect(match.matchedText()).toBe("a\x00644:xy\n"); // the lines before the difference
    expect(match.digest()).toBeUndefined();
    expect(memo.match("no such key").entry("a", "644:xy")).toBe(false);
  });

  it("ignores a damaged memo file and writes a good one", () => {
    walk();
    const file = listingMemoFile(cacheFile);
    const data = readFileSync(file);
    writeFileSync(file, data.subarray(0, data.length - 10)); // cut short
    expect(walk()).toBe(truth());
    tamper();
    expect(walk()).toBe(FAKE); // rewritten whole by the run above
    writeFileSync(file, "not a memo");
    expect(walk()).toBe(truth());
  });

  it("round-trips names beyond Latin-1 and writes nothing when every listing was reused", () => {
    const memo = ListingMemo.load(path.join(dir, "m.bin"));
    const text = "a\x00644:x\nħ\x00644:y\n😀\x00644:z\n";
    memo.record("/r", "/r\0*\0", text, "0".repeat(64));
    memo.save();
    const again = ListingMemo.load(path.join(dir, "m.bin"));
    const match = again.match("/r\0*\0");
    expect(match.entry("a", "644:x")).toBe(true);
    expect(match.entry("ħ", "644:y")).toBe(true);
    expect(match.entry("😀", "644:z")).toBe(true);
    expect(match.digest()).toBe("0".repeat(64));
    const other = again.match("/r\0*\0");
    expect(other.entry("a", "644:x")).toBe(true);
    expect(other.digest()).toBeUndefined(); // a prefix is not the listing
    expect(other.matchedText()).toBe("a\x00644:x\n");
    walk();
    const before = readFileSync(listingMemoFile(cacheFile));
    tamper();
    const tampered = readFileSync(listingMemoFile(cacheFile));
    walk(); // reused: nothing to write
    expect(readFileSync(listingMemoFile(cacheFile))).toEqual(tampered);
    expect(before).not.toEqual(tampered);
  });
});
