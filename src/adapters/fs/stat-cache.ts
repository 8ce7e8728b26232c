/**
 * Content hashes of context files, keyed by path + size + mtime + ctime + inode, so a warm
 * fingerprint costs one lstat per file and no read. Persisted as one compact JSON file, written
 * atomically (temp file + rename): per context root one flat array
 * `[rel, size, mtimeMs, ctimeMs, ino, value, rel, …]` (value: what the manifest records) in walk order, so an unchanged tree is
 * matched entry by entry with a cursor, without building an index.
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
import type { EntryStat } from "./entry-stat.js";
import path from "node:path";

const WIDTH = 6;
type Flat = (string | number)[];

interface CacheFile {
  v: 3;
  roots: Record<string, Flat>;
}

interface RootState {
  loaded: Flat;
  cursor: number;
  /** rel → offset in `loaded`, built only when the walk leaves the stored order */
  index?: Map<string, number>;
  /** this run's entries in walk order: an offset into `loaded` (≥ 0) or ~index into `stored` */
  order: number[];
  /** entries hashed in this run */
  stored: Flat;
  /** rel → offset in `stored`: a second walk of the root in this run (another ignore file) reuses them */
  storedIndex: Map<string, number>;
  walks: number;
}

export class StatCache {
  private readonly roots = new Map<string, RootState>();
  private dirty = false;
  private lastRoot: string | undefined;
  private lastState: RootState | undefined;
  /** whole seconds: an entry with mtime at or past this second is racy */
  private readonly racySecond: number;

  private constructor(
    private readonly file: string | undefined,
    private readonly loaded: CacheFile["roots"],
    writtenMs: number,
  ) {
    this.racySecond = Math.floor(writtenMs / 1000);
  }

  /** Loads the cache (an unreadable or corrupt file counts as empty); no file = memory only. */
  static load(file: string | undefined): StatCache {
    if (file === undefined) return new StatCache(undefined, {}, 0);
    let fd: number | undefined;
    try {
      fd = openSync(file, "r");
      const writtenMs = fstatSync(fd).mtimeMs;
      const parsed = JSON.parse(readFileSync(fd, "utf8")) as Partial<CacheFile>;
      if (parsed.v !== 3 || typeof parsed.roots !== "object" || parsed.roots === null)
        return new StatCache(file, {}, 0);
      return new StatCache(file, parsed.roots, writtenMs);
    } catch {
      return new StatCache(file, {}, 0);
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
      if (mine !== undefined && sameStat(state.stored, mine, stats)) {
        state.order.push(~mine);
        return state.stored[mine + 5] as string;
      }
    }
    const at = this.find(state, rel);
    if (
      at === undefined ||
      !sameStat(state.loaded, at, stats) ||
      Math.floor(stats.mtimeMs / 1000) >= this.racySecond
    ) {
      return undefined;
    }
    state.order.push(at);
    return state.loaded[at + 5] as string;
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
    const roots: CacheFile["roots"] = { ...this.loaded };
    for (const [root, state] of this.roots)
      roots[root] = state.walks > 1 ? dedupe(entriesOf(state)) : entriesOf(state);
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      writeFileSync(tmp, JSON.stringify({ v: 3, roots } satisfies CacheFile));
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
      if (seen !== state.loaded.length / WIDTH) return true;
    }
    return false;
  }

  /** The offset of `rel` in the loaded entries: the next one in walk order, or from the index. */
  private find(state: RootState, rel: string): number | undefined {
    const { loaded } = state;
    if (loaded[state.cursor] === rel) {
      const at = state.cursor;
      state.cursor += WIDTH;
      return at;
    }
    if (state.index === undefined) {
      state.index = new Map();
      for (let i = 0; i < loaded.length; i += WIDTH) state.index.set(loaded[i] as string, i);
    }
    const at = state.index.get(rel);
    if (at !== undefined) state.cursor = at + WIDTH;
    return at;
  }

  private state(root: string): RootState {
    // one lookup per file of a walk, all for the same root
    if (root === this.lastRoot && this.lastState !== undefined) return this.lastState;
    let state = this.roots.get(root);
    if (state === undefined) {
      const loaded = this.loaded[root];
      state = {
        loaded: Array.isArray(loaded) ? loaded : [],
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

function sameStat(flat: Flat, at: number, stats: EntryStat): boolean {
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
  for (const at of state.order) {
    if (at >= 0) for (let i = at; i < at + WIDTH; i++) out.push(state.loaded[i]);
    else for (let i = ~at; i < ~at + WIDTH; i++) out.push(state.stored[i]);
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
