/**
 * The filesystem side of the fingerprint: hashes what a build context sends, entry by entry,
 * through the stat cache. Content is hashed with xxh3-128, read synchronously into one reused
 * buffer (reading, not hashing, is the limit — see ENVIRONMENT.md); big files in chunks.
 */
import { createHash, type Hash } from "node:crypto";
import { closeSync, constants, openSync, readFileSync, readSync, readlinkSync, statSync } from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import type * as Xxhash from "@node-rs/xxhash";
import type { ExcludeMatcher } from "../../core/fingerprint/dockerignore-patterns.js";
import type { ReadSet } from "../../core/fingerprint/build-reads.js";
import type { ContextDigest, ContextFiles, FingerprintIo } from "../../core/fingerprint/fingerprint-types.js";
import { ListingMemo } from "./listing-memo.js";
import { StatCache } from "./stat-cache.js";
import { walkContext } from "./context-walk.js";
import type { EntryStat } from "./entry-stat.js";

const CHUNK = 8 * 1024 * 1024;
const { S_IFMT, S_IFDIR, S_IFLNK, S_IFREG } = constants;

// The native hasher is loaded on first use: a warm run, where every file hits the stat cache,
// never needs it and saves its load time.
const require = createRequire(import.meta.url);
let xxhash: typeof Xxhash.xxh3 | undefined;
function xxh3(): typeof Xxhash.xxh3 {
  xxhash ??= (require("@node-rs/xxhash") as typeof Xxhash).xxh3;
  return xxhash;
}
const COLON = ":".charCodeAt(0);
/** entries per piece of the listing handed to the hash */
const CHUNK_ENTRIES = 256;

export interface FsFingerprintIoOptions {
  /** the stat cache file; none = nothing persisted */
  cacheFile?: string;
  /** absolute paths left out of every context (kiln's own files) */
  excludePaths?: string[];
  /** absolute path → the content to hash instead of what is on disk (a pinned file's original) */
  overrideContents?: Record<string, string | Buffer>;
}

export class FsFingerprintIo implements FingerprintIo {
  private readonly cache: StatCache;
  private readonly listings: ListingMemo;
  private readonly excludePaths: ReadonlySet<string>;
  private readonly overrides: Map<string, Buffer>;

  constructor(options: FsFingerprintIoOptions = {}) {
    this.cache = StatCache.load(options.cacheFile);
    this.listings = ListingMemo.load(options.cacheFile && listingMemoFile(options.cacheFile));
    this.excludePaths = new Set((options.excludePaths ?? []).map((p) => path.resolve(p)));
    this.overrides = new Map(
      Object.entries(options.overrideContents ?? {}).map(([p, c]) => [
        path.resolve(p),
        Buffer.isBuffer(c) ? c : Buffer.from(c),
      ]),
    );
  }

  readFile(absPath: string): Buffer | undefined {
    const override = this.overrides.get(path.resolve(absPath));
    if (override) return override;
    try {
      return readFileSync(absPath);
    } catch (cause) {
      if (isMissing(cause)) return undefined;
      throw cause;
    }
  }

  isDirectory(absPath: string): boolean {
    try {
      return statSync(absPath).isDirectory();
    } catch {
      return false;
    }
  }

  hashContext(dir: string, matcher: ExcludeMatcher | undefined, reads?: ReadSet): ContextDigest {
    const root = path.resolve(dir);
    let symlink: string | undefined;
    // The walk visits names sorted per directory: a fixed order for a given tree, so the digest
    // needs no global sort. The record itself is built only when someone reads it (a no-op bake
    // compares hashes only; 20,000 object insertions cost more than the listing).
    this.cache.beginWalk(root);
    const select = reads ? (rel: string) => reads.wants(rel) : undefined;
    // Each entry is compared with the listing the last run hashed for this walk, where its line
    // would stand: while they match, no line is built and the stored digest stands (no hash is
    // made, node:crypto is not loaded). From the first difference on, the lines matched so far and
    // every line after go to the hash in pieces as they come — a rope of 20,000 pieces that lives
    // until the walk ends is what the garbage collector would otherwise copy, again and again.
    const memoKey = `${root}\0${reads ? reads.key : "*"}\0${matcher ? `${matcher.dialect}${matcher.patterns.length}` : ""}`;
    const match = this.listings.match(memoKey);
    let hash: Hash | undefined;
    const chunks: string[] = [];
    const piece = (into: Hash, text: string): void => {
      chunks.push(text);
      into.update(text);
    };
    let listing = "";
    let entries = 0;
    walkContext(root, { matcher, excludePaths: this.excludePaths, select }, (rel, abs, stats) => {
      if (reads && symlink === undefined && (stats.mode & S_IFMT) === S_IFLNK) symlink = rel;
      const description = this.describe(root, rel, abs, stats);
      if (hash === undefined) {
        if (match.entry(rel, description)) return;
        hash = createHash("sha256");
        piece(hash, match.matchedText());
      }
      listing += `${rel}\0${description}\n`;
      if (++entries === CHUNK_ENTRIES) {
        piece(hash, listing);
        listing = "";
        entries = 0;
      }
    });
    let reused: string | undefined;
    if (hash) piece(hash, listing);
    else {
      // every line matched: the listing is the stored one, or (the walk ended first) its start
      reused = match.digest();
      chunks.push(match.matchedText());
    }
    const digest = reused ?? (hash ?? hashAll(chunks)).digest("hex");
    if (reused === undefined) this.listings.record(root, memoKey, chunks.join(""), digest);
    else this.listings.keep(root, memoKey);
    let files: ContextFiles | undefined;
    return {
      digest,
      ...(symlink !== undefined ? { symlink } : {}),
      get files(): ContextFiles {
        files ??= recordOf(chunks.join(""));
        return files;
      },
    };
  }

  /** Persists the stat cache and the listings' digests (when anything changed). */
  flush(): void {
    this.cache.save();
    this.listings.save();
  }

  private describe(root: string, rel: string, abs: string, stats: EntryStat): string {
    const mode = modeText(stats.mode);
    // the file type from the mode bits directly: Stats' isDirectory() & co. are two calls each,
    // three of them per entry of a 20,000-entry walk
    const type = stats.mode & S_IFMT;
    if (type === S_IFDIR) return `d${mode}`;
    if (type === S_IFLNK) return `l:${readlinkSync(abs)}`;
    if (type !== S_IFREG) return `o${type.toString(8)}:${mode}`;
    const override = this.overrides.size > 0 ? this.overrides.get(abs) : undefined;
    if (override) return `${mode}:${hashBytes(override)}`;
    // the cache keeps the whole value (a chmod moves ctime anyway; the mode is checked too)
    let value = this.cache.lookup(root, rel, stats);
    if (value === undefined || value.charCodeAt(mode.length) !== COLON || !value.startsWith(mode)) {
      value = `${mode}:${hashFile(abs, stats.size)}`;
      this.cache.store(root, rel, stats, value);
    }
    return value;
  }
}

/** xxh3-128 of small content; a streamed xxh3-64 (marked `L`) for big files, whose bytes are read in chunks. */
/** the listing memo's file, next to the stat cache */
export function listingMemoFile(cacheFile: string): string {
  return path.join(path.dirname(cacheFile), "context-listings.bin");
}

function hashAll(chunks: string[]): Hash {
  const hash = createHash("sha256");
  for (const c of chunks) hash.update(c);
  return hash;
}

function recordOf(listing: string): ContextFiles {
  const files: ContextFiles = {};
  for (const line of listing.split("\n")) {
    const nul = line.indexOf("\0");
    if (nul > 0) files[line.slice(0, nul)] = line.slice(nul + 1);
  }
  return files;
}

const modeTexts = new Map<number, string>();
let lastBits = -1;
let lastText = "";

/** The permission bits Docker keeps, in octal (memoized: a context has a handful of modes, mostly one after another). */
function modeText(mode: number): string {
  const bits = mode & 0o7777;
  if (bits === lastBits) return lastText;
  let text = modeTexts.get(bits);
  if (text === undefined) {
    text = bits.toString(8);
    modeTexts.set(bits, text);
  }
  lastBits = bits;
  lastText = text;
  return text;
}

export function hashBytes(data: Uint8Array): string {
  if (data.length > CHUNK) return bigDigest(xxh3().Xxh3.withSeed().update(data));
  return xxh3().xxh128(data).toString(16).padStart(32, "0");
}

function bigDigest(hasher: Xxhash.xxh3.Xxh3): string {
  return `${hasher.digest().toString(16).padStart(16, "0")}L`;
}

let shared: Buffer | undefined;

/**
 * Reads the `size` bytes lstat reported into one reused buffer (open + read + close, no
 * allocation) — a file that grows meanwhile has a new size next time, so its cache entry will
 * not match and it is read again.
 */
function hashFile(abs: string, size: number): string {
  shared ??= Buffer.allocUnsafe(CHUNK);
  const buffer = shared;
  const fd = openSync(abs, "r");
  try {
    if (size <= CHUNK) {
      let total = 0;
      while (total < size) {
        const n = readSync(fd, buffer, total, size - total, null);
        if (n === 0) break;
        total += n;
      }
      return hashBytes(buffer.subarray(0, total));
    }
    const hasher = xxh3().Xxh3.withSeed();
    for (;;) {
      const n = readSync(fd, buffer, 0, CHUNK, null);
      if (n === 0) break;
      hasher.update(buffer.subarray(0, n));
    }
    return bigDigest(hasher);
  } finally {
    closeSync(fd);
  }
}

function isMissing(cause: unknown): boolean {
  const code = (cause as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ENOTDIR";
}
