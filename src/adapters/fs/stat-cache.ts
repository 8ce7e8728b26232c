/**
 * Content hashes of context files, keyed by path + size + mtime + ctime + inode, so a warm
 * fingerprint costs one lstat per file and no read. Persisted as one compact JSON file, written
 * atomically (temp file + rename).
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
import type { Stats } from "node:fs";
import path from "node:path";

/** [size, mtimeMs, ctimeMs, ino, hash] */
type Entry = [number, number, number, number, string];

interface CacheFile {
  v: 1;
  roots: Record<string, Record<string, Entry>>;
}

export class StatCache {
  private readonly loaded: CacheFile["roots"];
  /** per root walked in this run: the paths seen (cache hits and new hashes) */
  private readonly seen = new Map<string, string[]>();
  /** roots walked more than once in this run (their seen lists may hold duplicates) */
  private readonly rewalked = new Set<string>();
  /** per root: entries hashed in this run */
  private readonly stored = new Map<string, Map<string, Entry>>();
  /** whole seconds: an entry with mtime at or past this second is racy */
  private readonly racySecond: number;

  private constructor(
    private readonly file: string | undefined,
    loaded: CacheFile["roots"],
    writtenMs: number,
  ) {
    this.loaded = loaded;
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
      if (parsed.v !== 1 || typeof parsed.roots !== "object" || parsed.roots === null)
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
    if (this.seen.has(root)) this.rewalked.add(root);
    else this.seen.set(root, []);
  }

  /** The cached hash of `rel` under `root` when its stat is unchanged and not racy. */
  lookup(root: string, rel: string, stats: Stats): string | undefined {
    const entry = this.loaded[root]?.[rel];
    if (
      entry === undefined ||
      entry[0] !== stats.size ||
      entry[1] !== stats.mtimeMs ||
      entry[2] !== stats.ctimeMs ||
      entry[3] !== stats.ino ||
      Math.floor(stats.mtimeMs / 1000) >= this.racySecond
    ) {
      return undefined;
    }
    this.seenIn(root).push(rel);
    return entry[4];
  }

  store(root: string, rel: string, stats: Stats, hash: string): void {
    let stored = this.stored.get(root);
    if (stored === undefined) {
      stored = new Map();
      this.stored.set(root, stored);
    }
    if (!stored.has(rel)) this.seenIn(root).push(rel);
    stored.set(rel, [stats.size, stats.mtimeMs, stats.ctimeMs, stats.ino, hash]);
  }

  /**
   * Writes the cache when anything changed: the roots walked in this run are replaced by what
   * this run saw (deleted files drop out), other roots are kept as loaded.
   */
  save(): void {
    if (this.file === undefined || !this.changed()) return;
    const roots: CacheFile["roots"] = { ...this.loaded };
    for (const [root, rels] of this.seen) {
      const loaded = this.loaded[root] ?? {};
      const stored = this.stored.get(root);
      const entries: Record<string, Entry> = {};
      for (const rel of rels) entries[rel] = stored?.get(rel) ?? loaded[rel];
      roots[root] = entries;
    }
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      writeFileSync(tmp, JSON.stringify({ v: 1, roots } satisfies CacheFile));
      renameSync(tmp, this.file);
    } catch {
      // a cache that cannot be written only costs the next run some reading
      try {
        unlinkSync(tmp);
      } catch {
        /* nothing to clean */
      }
    }
    this.stored.clear();
  }

  /** Something hashed anew, or a walked root whose set of files differs from the loaded one. */
  private changed(): boolean {
    if ([...this.stored.values()].some((m) => m.size > 0)) return true;
    for (const [root, rels] of this.seen) {
      const loaded = this.loaded[root];
      if (loaded === undefined) return true;
      const distinct = this.rewalked.has(root) ? new Set(rels).size : rels.length;
      if (distinct !== Object.keys(loaded).length) return true;
    }
    return false;
  }

  private seenIn(root: string): string[] {
    let rels = this.seen.get(root);
    if (rels === undefined) {
      rels = [];
      this.seen.set(root, rels);
    }
    return rels;
  }
}
