/**
 * Content hashes of context files, keyed by path + size + mtime + ctime + inode, so a warm
 * fingerprint costs one lstat per file and no read. Persisted as one file, written atomically
 * (temp file + rename), one block per context root, entries in walk order: their numbers as
 * float64s (size, mtimeMs, ctimeMs, ino — exact, read through one Float64Array view) and a JSON
 * array `[root, rel, value, rel, value, …]` (value: what the manifest records). Loading makes no
 * number object per entry (a JSON array of 24,000 mixed numbers was most of the load and of the
 * garbage the collector kept copying); an unchanged tree is matched entry by entry with a
 * cursor, without building an index.
 *
 * Git's racy-clean rule (https://git-scm.com/docs/racy-git): a file whose mtime is not strictly
 * older than the cache file's own write time (same second, or newer) may have changed again
 * after it was hashed without its stat changing, so its entry is not trusted and it is re-hashed.
 */
import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import type { EntryStat } from "./entry-stat.js";

/** the file starts with this; anything else (an older kiln's JSON) counts as no cache */
const MAGIC = "KILNSC4\n";
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
  /** `[root, rel, value, …]`: entry i's rel at 2i + 1, its value at 2i + 2 */
  strs: string[];
  /** the block as read: written back unchanged when the root is not walked */
  raw: Buffer;
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

const EMPTY: Loaded = { count: 0, nums: new Float64Array(0), strs: [""], raw: Buffer.alloc(0) };

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
    const { nums, strs } = state.loaded;
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
    return strs[2 * at + 2];
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
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      writeFileSync(tmp, Buffer.concat(blocks));
      renameSync(tmp, this.file);
    } catch {
      // a cache that cannot be written only costs the next run some reading
      try {
        unlinkSync(tmp);
      } catch {
        /* nothing to clean */
      }
    }
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
    const { count, strs } = state.loaded;
    const at = state.cursor;
    if (at < count && strs[2 * at + 1] === rel) {
      state.cursor = at + 1;
      return at;
    }
    if (state.index === undefined) {
      state.index = new Map();
      for (let i = 0; i < count; i++) state.index.set(strs[2 * i + 1], i);
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
      loaded.strs.filter((_, i) => i % 2 === 1),
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
  const { nums, strs } = state.loaded;
  for (const at of state.order) {
    if (at >= 0) {
      const n = at * NUMS;
      out.push(strs[2 * at + 1], nums[n], nums[n + 1], nums[n + 2], nums[n + 3], strs[2 * at + 2]);
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
 * One root's block: u32 entry count, u32 JSON length in bytes, the numbers (8-byte aligned),
 * then the JSON strings array, padded to a multiple of 8 bytes.
 */
function encode(root: string, flat: Flat): Buffer {
  const count = flat.length / WIDTH;
  const nums = new Float64Array(count * NUMS);
  const strs: string[] = [root];
  for (let i = 0, e = 0; i < flat.length; i += WIDTH, e += NUMS) {
    strs.push(flat[i] as string, flat[i + 5] as string);
    for (let k = 0; k < NUMS; k++) nums[e + k] = flat[i + 1 + k] as number;
  }
  const json = JSON.stringify(strs);
  const jsonBytes = Buffer.byteLength(json);
  const block = Buffer.alloc(8 + nums.byteLength + align8(jsonBytes));
  block.writeUInt32LE(count, 0);
  block.writeUInt32LE(jsonBytes, 4);
  Buffer.from(nums.buffer).copy(block, 8);
  block.write(json, 8 + nums.byteLength, "utf8");
  return block;
}

/** The roots of a cache file; undefined when it is not one (another format, truncated, damaged). */
function decode(data: Buffer): Map<string, Loaded> | undefined {
  if (data.toString("latin1", 0, MAGIC.length) !== MAGIC) return undefined;
  // the Float64Array views need 8-byte alignment: a pooled buffer may start anywhere
  const buf = data.byteOffset % 8 === 0 ? data : Buffer.from(new Uint8Array(data));
  const roots = new Map<string, Loaded>();
  let at = MAGIC.length;
  while (at < buf.length) {
    if (at + 8 > buf.length) return undefined;
    const count = buf.readUInt32LE(at);
    const jsonBytes = buf.readUInt32LE(at + 4);
    const numsAt = at + 8;
    const jsonAt = numsAt + count * NUMS * 8;
    const end = jsonAt + align8(jsonBytes);
    if (end > buf.length) return undefined;
    const strs = JSON.parse(buf.toString("utf8", jsonAt, jsonAt + jsonBytes)) as unknown;
    if (!Array.isArray(strs) || strs.length !== 2 * count + 1 || !strs.every((s) => typeof s === "string"))
      return undefined;
    roots.set(strs[0], {
      count,
      nums: new Float64Array(buf.buffer, buf.byteOffset + numsAt, count * NUMS),
      strs: strs,
      raw: buf.subarray(at, end),
    });
    at = end;
  }
  return roots;
}

function align8(n: number): number {
  return (n + 7) & ~7;
}
