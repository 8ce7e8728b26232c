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
  private readonly loaded: Record<string, Record<string, Entry>>;
  private readonly current = new Map<string, Record<string, Entry>>();
  /** whole seconds: an entry with mtime at or past this second is racy */
  private readonly racySecond: number;
  private dirty = false;

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
    this.remember(root, rel, entry, false);
    return entry[4];
  }

  store(root: string, rel: string, stats: Stats, hash: string): void {
    this.remember(root, rel, [stats.size, stats.mtimeMs, stats.ctimeMs, stats.ino, hash], true);
  }

  /**
   * Writes the cache when anything changed: the roots walked in this run are replaced by what
   * this run saw (deleted files drop out), other roots are kept as loaded.
   */
  save(): void {
    if (this.file === undefined) return;
    if (!this.dirty && [...this.current].every(([root, e]) => sameKeys(e, this.loaded[root]))) return;
    const roots: CacheFile["roots"] = { ...this.loaded };
    for (const [root, entries] of this.current) roots[root] = entries;
    const tmp = `${this.file}.${process.pid}.tmp`;
    mkdirSync(path.dirname(this.file), { recursive: true });
    try {
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
    this.dirty = false;
  }

  private remember(root: string, rel: string, entry: Entry, changed: boolean): void {
    let entries = this.current.get(root);
    if (entries === undefined) {
      entries = {};
      this.current.set(root, entries);
    }
    entries[rel] = entry;
    if (changed) this.dirty = true;
  }
}

function sameKeys(a: Record<string, Entry>, b: Record<string, Entry> | undefined): boolean {
  if (b === undefined) return false;
  let n = 0;
  for (const key in b) {
    if (!(key in a)) return false;
    n++;
  }
  return n === Object.keys(a).length;
}
