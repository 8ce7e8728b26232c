/**
 * Content hashes of context files, keyed by path + size + mtime + ctime + inode, so a warm
 * fingerprint costs one lstat per file and no read. Persisted as one file, written atomically
 * (temp file + rename), one block per context root, entries in walk order: their numbers as
 * float64s (size, mtimeMs, ctimeMs, ino — exact, read through one Float64Array view), then the
 * strings `root, rel, value, rel, value, …` as one run of characters with a table of where each
 * starts (u32s, read through one Uint32Array view). Loading makes one string per root and no
 * object per entry: a no-op bake keeps the whole cache in memory while it walks, and 12,000 small
 * strings were what the garbage collector kept copying; an unchanged tree is matched entry by
 * entry with a cursor, comparing in place, without building an index.
 *
 * Git's racy-clean rule (https://git-scm.com/docs/racy-git): a file whose mtime is not strictly
 * older than the cache file's own write time (same second, or newer) may have changed again
 * after it was hashed without its stat changing, so its entry is not trusted and it is re-hashed.
 */
import { closeSync, fstatSync, openSync, readFileSync } from "node:fs";
import { writeCacheFile } from "./cache-file.js";
import type { EntryStat } from "./entry-stat.js";

/** the file starts with this; anything else (an older kiln's format) counts as no cache */
const MAGIC = "KILNSC5\n";
/** numbers per entry: size, mtimeMs, ctimeMs, ino */
const NUMS = 4;
/** `[rel, size, mtimeMs, ctimeMs, ino, value, rel, …]`: the entries hashed in this run */
const WIDTH = 6;
type Flat = (string | number)[];

/** one root's entries as loaded */
interface Loaded {
  count: number;
  /** size, mtimeMs, ctimeMs, ino of entry i at 4i… */
  nums: Float64Array;
  /** `root, rel, value, …` end to end: entry i's rel is string 2i + 1, its value string 2i + 2 */
  text: string;
  /** where string k of `text` starts (k + 1: where it ends) */
  starts: Uint32Array;
  /** the block as read: written back unchanged when the root is not walked */
  raw: Buffer;
}

/** string k of a loaded block */
function str(loaded: Loaded, k: number): string {
  return loaded.text.slice(loaded.starts[k], loaded.starts[k + 1]);
}

interface RootState {
  loaded: Loaded;
  /** the next loaded entry in walk order */
  cursor: number;
  /** rel → loaded entry index, built only when the walk leaves the stored order */
  index?: Map<string, number>;
  /** this run's entries in walk order: a loaded entry index (≥ 0) or ~offset into `stored` */
  order: number[];
  /** entries hashed in this run */
  stored: Flat;
  /** rel → offset in `stored`: a second walk of the root in this run (another ignore file) reuses them */
  storedIndex: Map<string, number>;
  walks: number;
}

const EMPTY: Loaded = {
  count: 0,
  nums: new Float64Array(0),
  text: "",
  starts: new Uint32Array(2),
  raw: Buffer.alloc(0),
};

export class StatCache {
  private readonly roots = new Map<string, RootState>();
  private dirty = false;
  private lastRoot: string | undefined;
  private lastState: RootState | undefined;
  /** whole seconds: an entry with mtime at or past this second is racy */
  private readonly racySecond: number;

  private constructor(
    private readonly file: string | undefined,
    private readonly loaded: Map<string, Loaded>,
    writtenMs: number,
  ) {
    this.racySecond = Math.floor(writtenMs / 1000);
  }

  /** Loads the cache (an unreadable or corrupt file counts as empty); no file = memory only. */
  static load(file: string | undefined): StatCache {
    if (file === undefined) return new StatCache(undefined, new Map(), 0);
    let fd: number | undefined;
    try {
      fd = openSync(file, "r");
      const writtenMs = fstatSync(fd).mtimeMs;
      const roots = decode(readFileSync(fd));
      return roots ? new StatCache(file, roots, writtenMs) : new StatCache(file, new Map(), 0);
    } catch {
      return new StatCache(file, new Map(), 0);
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  /** Called before each walk of `root`. */
  beginWalk(root: string): void {
    const state = this.state(root);
    state.walks++;
    state.cursor = 0;
    if (state.walks === 2) {
      for (let i = 0; i < state.stored.length; i += WIDTH)
        state.storedIndex.set(state.stored[i] as string, i);
    }
  }

  /** The cached value of `rel` under `root` when its stat is unchanged and not racy. */
  lookup(root: string, rel: string, stats: EntryStat): string | undefined {
    const state = this.state(root);
    if (state.walks > 1) {
      const mine = state.storedIndex.get(rel);
      if (mine !== undefined && sameStored(state.stored, mine, stats)) {
        state.order.push(~mine);
        return state.stored[mine + 5] as string;
      }
    }
    const at = this.find(state, rel);
    if (at === undefined) return undefined;
    const { nums } = state.loaded;
    const n = at * NUMS;
    if (
      nums[n] !== stats.size ||
      nums[n + 1] !== stats.mtimeMs ||
      nums[n + 2] !== stats.ctimeMs ||
      nums[n + 3] !== stats.ino ||
      Math.floor(stats.mtimeMs / 1000) >= this.racySecond
    ) {
      return undefined;
    }
    state.order.push(at);
    return str(state.loaded, 2 * at + 2);
  }

  store(root: string, rel: string, stats: EntryStat, hash: string): void {
    const state = this.state(root);
    state.order.push(~state.stored.length);
    if (state.walks > 1) state.storedIndex.set(rel, state.stored.length);
    state.stored.push(rel, stats.size, stats.mtimeMs, stats.ctimeMs, stats.ino, hash);
    this.dirty = true;
  }

  /**
   * Writes the cache when anything changed: the roots walked in this run are replaced by what
   * this run saw (deleted files drop out), other roots are kept as loaded.
   */
  save(): void {
    if (this.file === undefined || !this.changed()) return;
    const blocks: Buffer[] = [Buffer.from(MAGIC, "latin1")];
    for (const [root, loaded] of this.loaded) if (!this.roots.has(root)) blocks.push(loaded.raw);
    for (const [root, state] of this.roots)
      blocks.push(encode(root, state.walks > 1 ? dedupe(entriesOf(state)) : entriesOf(state)));
    // a cache that cannot be written only costs the next run some reading
    writeCacheFile(this.file, Buffer.concat(blocks));
    this.dirty = false;
  }

  /** Something hashed anew, or a walked root whose files differ from the loaded ones. */
  private changed(): boolean {
    if (this.dirty) return true;
    for (const state of this.roots.values()) {
      const seen = state.walks > 1 ? dedupe(entriesOf(state)).length / WIDTH : state.order.length;
      if (seen !== state.loaded.count) return true;
    }
    return false;
  }

  /** The index of `rel` among the loaded entries: the next one in walk order, or from the index. */
  private find(state: RootState, rel: string): number | undefined {
    const { count, text, starts } = state.loaded;
    const at = state.cursor;
    // compared in place: no string made for an entry that matches
    if (at < count) {
      const from = starts[2 * at + 1];
      if (starts[2 * at + 2] - from === rel.length && text.startsWith(rel, from)) {
        state.cursor = at + 1;
        return at;
      }
    }
    if (state.index === undefined) {
      state.index = new Map();
      for (let i = 0; i < count; i++) state.index.set(str(state.loaded, 2 * i + 1), i);
    }
    const found = state.index.get(rel);
    if (found !== undefined) state.cursor = found + 1;
    return found;
  }

  private state(root: string): RootState {
    // one lookup per file of a walk, all for the same root
    if (root === this.lastRoot && this.lastState !== undefined) return this.lastState;
    let state = this.roots.get(root);
    if (state === undefined) {
      state = {
        loaded: this.loaded.get(root) ?? EMPTY,
        cursor: 0,
        order: [],
        stored: [],
        storedIndex: new Map(),
        walks: 0,
      };
      this.roots.set(root, state);
    }
    this.lastRoot = root;
    this.lastState = state;
    return state;
  }
}

/** The paths cached for each root of a cache file, in order (for tests and debugging). */
export function cachedPaths(file: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [root, loaded] of decode(readFileSync(file)) ?? [])
    out.set(
      root,
      Array.from({ length: loaded.count }, (_, i) => str(loaded, 2 * i + 1)),
    );
  return out;
}

function sameStored(flat: Flat, at: number, stats: EntryStat): boolean {
  return (
    flat[at + 1] === stats.size &&
    flat[at + 2] === stats.mtimeMs &&
    flat[at + 3] === stats.ctimeMs &&
    flat[at + 4] === stats.ino
  );
}

/** This run's entries of a root, in walk order. */
function entriesOf(state: RootState): Flat {
  const out: Flat = [];
  const { loaded } = state;
  const { nums } = loaded;
  for (const at of state.order) {
    if (at >= 0) {
      const n = at * NUMS;
      out.push(
        str(loaded, 2 * at + 1),
        nums[n],
        nums[n + 1],
        nums[n + 2],
        nums[n + 3],
        str(loaded, 2 * at + 2),
      );
    } else for (let i = ~at; i < ~at + WIDTH; i++) out.push(state.stored[i]);
  }
  return out;
}

/** Keeps the last entry of each path (a root walked twice in one run). */
function dedupe(flat: Flat): Flat {
  const last = new Map<string, number>();
  for (let i = 0; i < flat.length; i += WIDTH) last.set(flat[i] as string, i);
  const out: Flat = [];
  for (const i of last.values()) out.push(...flat.slice(i, i + WIDTH));
  return out;
}

/**
 * One root's block: a 16-byte head (u32 entry count, u32 length of the text in bytes, u32
 * encoding: 0 latin1 — every character below 256 — or 1 utf16le, u32 zero), the numbers, the
 * string starts (u32, 2 × count + 2 of them), then the text, padded to a multiple of 8 bytes.
 */
function encode(root: string, flat: Flat): Buffer {
  const count = flat.length / WIDTH;
  const nums = new Float64Array(count * NUMS);
  const starts = new Uint32Array(2 * count + 2);
  const parts: string[] = [root];
  let length = root.length;
  starts[1] = length;
  for (let i = 0, e = 0, k = 1; i < flat.length; i += WIDTH, e += NUMS, k += 2) {
    const rel = flat[i] as string;
    const value = flat[i + 5] as string;
    parts.push(rel, value);
    length += rel.length;
    starts[k + 1] = length;
    length += value.length;
    starts[k + 2] = length;
    for (let n = 0; n < NUMS; n++) nums[e + n] = flat[i + 1 + n] as number;
  }
  const text = parts.join("");
  const wide = /[\u0100-\uffff]/.test(text);
  const textBytes = wide ? 2 * text.length : text.length;
  const numsAt = 16;
  const startsAt = numsAt + nums.byteLength;
  const textAt = startsAt + starts.byteLength;
  const block = Buffer.alloc(textAt + align8(textBytes));
  block.writeUInt32LE(count, 0);
  block.writeUInt32LE(textBytes, 4);
  block.writeUInt32LE(wide ? 1 : 0, 8);
  Buffer.from(nums.buffer).copy(block, numsAt);
  Buffer.from(starts.buffer).copy(block, startsAt);
  block.write(text, textAt, wide ? "utf16le" : "latin1");
  return block;
}

/** The roots of a cache file; undefined when it is not one (another format, truncated, damaged). */
function decode(data: Buffer): Map<string, Loaded> | undefined {
  if (data.toString("latin1", 0, MAGIC.length) !== MAGIC) return undefined;
  // the typed array views need 8-byte alignment: a pooled buffer may start anywhere
  const buf = data.byteOffset % 8 === 0 ? data : Buffer.from(new Uint8Array(data));
  const roots = new Map<string, Loaded>();
  let at = MAGIC.length;
  while (at < buf.length) {
    if (at + 16 > buf.length) return undefined;
    const count = buf.readUInt32LE(at);
    const textBytes = buf.readUInt32LE(at + 4);
    const wide = buf.readUInt32LE(at + 8);
    const numsAt = at + 16;
    const startsAt = numsAt + count * NUMS * 8;
    const textAt = startsAt + (2 * count + 2) * 4;
    const end = textAt + align8(textBytes);
    if (wide > 1 || (wide === 1 && textBytes % 2 !== 0) || end > buf.length) return undefined;
    const text = buf.toString(wide ? "utf16le" : "latin1", textAt, textAt + textBytes);
    const starts = new Uint32Array(buf.buffer, buf.byteOffset + startsAt, 2 * count + 2);
    // the table must run from 0 to the text's end without going back
    if (starts[0] !== 0 || starts[2 * count + 1] !== text.length) return undefined;
    for (let k = 1; k < starts.length; k++) if (starts[k] < starts[k - 1]) return undefined;
    const loaded: Loaded = {
      count,
      nums: new Float64Array(buf.buffer, buf.byteOffset + numsAt, count * NUMS),
      text,
      starts,
      raw: buf.subarray(at, end),
    };
    roots.set(str(loaded, 0), loaded);
    at = end;
  }
  return roots;
}

function align8(n: number): number {
  return (n + 7) & ~7;
}
