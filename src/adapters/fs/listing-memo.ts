/**
 * The sha256 of each context listing a run hashed, kept with the listing itself for the next run.
 * A context's digest is the sha256 of its listing — every entry's path, type, mode and content
 * hash, in walk order — and in a bake with nothing to do the listing is the one the last run
 * hashed: the walk compares each entry with the stored text where its line would stand (building
 * no text while they match); when every line matches, the stored digest is the digest. Exact by
 * construction (a digest is reused only for the very text it was computed from), and it spares
 * the no-op bake loading node:crypto (≈ 3–5 ms of a ≈ 130 ms run) and hashing 160 kB per
 * 3,000-file context.
 *
 * Keys are `root \0 …`: the root a listing walked comes first.
 *
 * One file next to the stat cache: MAGIC, then per entry a 16-byte head (u32 key bytes, u32 text
 * bytes, u32 encoding — 0 latin1, 1 utf16le —, u32 zero), the 64-character digest, the key (UTF-8),
 * the text. Anything that does not parse counts as no memo. Written atomically when it changed.
 */
import { readFileSync } from "node:fs";
import { writeCacheFile } from "./cache-file.js";

const MAGIC = "KILNLM1\n";
const HEX64 = /^[0-9a-f]{64}$/;

interface Entry {
  digest: string;
  text: string;
}

const NUL = 0;
const NEWLINE = 10;

/**
 * A walk's comparison with the stored listing of its key, fed an entry at a time: the entry's
 * line (`rel \0 description \n`) is compared where it would stand in the stored text, without
 * being built — a no-op bake's walk makes no listing text at all.
 */
export class ListingMatch {
  private offset = 0;
  private matching: boolean;

  constructor(private readonly stored: Entry | undefined) {
    this.matching = stored !== undefined;
  }

  /** Compares the next entry's line; false from the first entry that differs on. */
  entry(rel: string, description: string): boolean {
    if (!this.matching) return false;
    const { text } = this.stored!;
    const at = this.offset;
    const nul = at + rel.length;
    const end = nul + 1 + description.length;
    this.matching =
      end < text.length &&
      text.charCodeAt(nul) === NUL &&
      text.charCodeAt(end) === NEWLINE &&
      text.startsWith(rel, at) &&
      text.startsWith(description, nul + 1);
    if (this.matching) this.offset = end + 1;
    return this.matching;
  }

  /** The stored listing's lines that matched, in order: this walk's listing so far. */
  matchedText(): string {
    return this.stored ? this.stored.text.slice(0, this.offset) : "";
  }

  /** The stored digest when the whole listing matched, else undefined. */
  digest(): string | undefined {
    return this.matching && this.offset === this.stored!.text.length ? this.stored!.digest : undefined;
  }
}

export class ListingMemo {
  private readonly seen = new Map<string, Entry>();
  private readonly walked = new Set<string>();
  private changed = false;

  private constructor(
    private readonly file: string | undefined,
    private readonly loaded: Map<string, Entry>,
  ) {}

  /** Loads the memo (an unreadable or damaged file counts as empty); no file = memory only. */
  static load(file: string | undefined): ListingMemo {
    if (file === undefined) return new ListingMemo(undefined, new Map());
    let data: Buffer;
    try {
      data = readFileSync(file);
    } catch {
      return new ListingMemo(file, new Map());
    }
    return new ListingMemo(file, decode(data) ?? new Map<string, Entry>());
  }

  /** The comparison for a walk whose listing is stored (or will be) under `key`. */
  match(key: string): ListingMatch {
    return new ListingMatch(this.loaded.get(key));
  }

  /** Records this run's listing of `key` (a walk of `root`) and its digest, for the next run. */
  record(root: string, key: string, text: string, digest: string): void {
    const before = this.loaded.get(key);
    if (!before || before.digest !== digest || before.text !== text) this.changed = true;
    this.seen.set(key, { digest, text });
    this.walked.add(root);
  }

  /** This run's listing of `key` was the stored one. */
  keep(root: string, key: string): void {
    const entry = this.loaded.get(key);
    if (entry) this.seen.set(key, entry);
    this.walked.add(root);
  }

  /**
   * Writes the memo when it changed: the roots walked in this run keep only this run's listings
   * (a Dockerfile that reads other paths now leaves its old listing behind), other roots keep
   * theirs as loaded.
   */
  save(): void {
    if (this.file === undefined) return;
    const entries = new Map<string, Entry>();
    let dropped = false;
    for (const [key, entry] of this.loaded) {
      if (!this.walked.has(key.slice(0, key.indexOf("\0")))) entries.set(key, entry);
      else if (!this.seen.has(key)) dropped = true;
    }
    if (!this.changed && !dropped) return;
    for (const [key, entry] of this.seen) entries.set(key, entry);
    const blocks: Buffer[] = [Buffer.from(MAGIC, "latin1")];
    for (const [key, entry] of entries) blocks.push(encode(key, entry));
    // a memo that cannot be written only costs the next run one hash per context
    writeCacheFile(this.file, Buffer.concat(blocks));
    this.changed = false;
    this.loaded.clear();
    for (const [key, entry] of entries) this.loaded.set(key, entry);
  }
}

function encode(key: string, entry: Entry): Buffer {
  const wide = /[\u0100-\uffff]/.test(entry.text);
  const keyBytes = Buffer.from(key, "utf8");
  const text = Buffer.from(entry.text, wide ? "utf16le" : "latin1");
  const head = Buffer.alloc(16);
  head.writeUInt32LE(keyBytes.length, 0);
  head.writeUInt32LE(text.length, 4);
  head.writeUInt32LE(wide ? 1 : 0, 8);
  return Buffer.concat([head, Buffer.from(entry.digest, "latin1"), keyBytes, text]);
}

function decode(data: Buffer): Map<string, Entry> | undefined {
  if (data.toString("latin1", 0, MAGIC.length) !== MAGIC) return undefined;
  const out = new Map<string, Entry>();
  let at = MAGIC.length;
  while (at < data.length) {
    if (at + 16 + 64 > data.length) return undefined;
    const keyBytes = data.readUInt32LE(at);
    const textBytes = data.readUInt32LE(at + 4);
    const wide = data.readUInt32LE(at + 8);
    const digestAt = at + 16;
    const keyAt = digestAt + 64;
    const textAt = keyAt + keyBytes;
    const end = textAt + textBytes;
    if (wide > 1 || (wide === 1 && textBytes % 2 !== 0) || end > data.length) return undefined;
    const digest = data.toString("latin1", digestAt, keyAt);
    if (!HEX64.test(digest)) return undefined;
    out.set(data.toString("utf8", keyAt, textAt), {
      digest,
      text: data.toString(wide ? "utf16le" : "latin1", textAt, end),
    });
    at = end;
  }
  return out;
}
