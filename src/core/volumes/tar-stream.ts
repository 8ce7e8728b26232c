/**
 * A push parser for tar streams (ustar, PAX and GNU long names): kiln reads the entries of
 * a volume archive — to count files, find the largest, check an archive before importing it
 * — without unpacking anything. Pure: bytes in, entries out.
 */
import { KilnError } from "../errors.js";

export type TarEntryType = "file" | "dir" | "symlink" | "hardlink" | "other";

export interface TarEntry {
  name: string;
  type: TarEntryType;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  linkName: string;
}

const BLOCK = 512;

function invalidTar(why: string): KilnError {
  return new KilnError("ERR_KILN_VOLUME", `not a readable tar archive: ${why}`, {
    hint: "pass a file written by `kiln volumes export` or `tar -c` (uncompressed)",
    exitCode: 2,
  });
}

function str(block: Buffer, start: number, length: number): string {
  const slice = block.subarray(start, start + length);
  const end = slice.indexOf(0);
  return slice.subarray(0, end === -1 ? length : end).toString("utf8");
}

function num(block: Buffer, start: number, length: number): number {
  const first = block[start] ?? 0;
  if (first & 0x80) {
    // base-256 (GNU) for values that do not fit in octal, e.g. files of 8 GiB and more
    let value = first & 0x7f;
    for (let i = 1; i < length; i++) value = value * 256 + (block[start + i] ?? 0);
    return value;
  }
  const text = str(block, start, length).trim();
  if (text === "") return 0;
  if (!/^[0-7]+$/.test(text)) throw invalidTar(`bad number field "${text}"`);
  return parseInt(text, 8);
}

function checksumOk(block: Buffer): boolean {
  const field = str(block, 148, 8).trim();
  if (!/^[0-7]+$/.test(field)) return false;
  const stored = parseInt(field, 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : (block[i] ?? 0);
  return sum === stored;
}

function typeOf(flag: string): TarEntryType {
  if (flag === "0" || flag === "" || flag === "7") return "file";
  if (flag === "5") return "dir";
  if (flag === "2") return "symlink";
  if (flag === "1") return "hardlink";
  return "other";
}

function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let offset = 0;
  while (offset < data.length) {
    const space = data.indexOf(0x20, offset);
    if (space === -1) break;
    const length = Number(data.subarray(offset, space).toString("ascii"));
    if (!Number.isInteger(length) || length <= 0) throw invalidTar("bad PAX record");
    const record = data.subarray(space + 1, offset + length - 1).toString("utf8");
    const eq = record.indexOf("=");
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    offset += length;
  }
  return out;
}

export class TarStreamParser {
  private buffer: Buffer = Buffer.alloc(0);
  /** bytes of the current entry's data (plus padding) still to skip or collect */
  private remaining = 0;
  private collecting: { kind: "pax" | "gnu-name" | "gnu-link"; chunks: Buffer[]; size: number } | undefined;
  private pax: Record<string, string> = {};
  private longName: string | undefined;
  private longLink: string | undefined;
  private zeroBlocks = 0;
  private sawHeader = false;
  /** data bytes of the current entry not yet passed to onData (the rest is padding) */
  private dataLeft = 0;
  private current: TarEntry | undefined;
  entries = 0;

  constructor(
    private readonly onEntry: (entry: TarEntry) => void,
    private readonly onData?: (entry: TarEntry, chunk: Buffer) => void,
  ) {}

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    let offset = 0;
    while (offset < this.buffer.length) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, this.buffer.length - offset);
        if (this.collecting) this.collecting.chunks.push(this.buffer.subarray(offset, offset + take));
        else if (this.dataLeft > 0 && this.current) {
          const data = Math.min(this.dataLeft, take);
          this.onData?.(this.current, this.buffer.subarray(offset, offset + data));
          this.dataLeft -= data;
        }
        this.remaining -= take;
        offset += take;
        if (this.remaining === 0) this.finishCollecting();
        continue;
      }
      if (this.buffer.length - offset < BLOCK) break;
      this.header(this.buffer.subarray(offset, offset + BLOCK));
      offset += BLOCK;
    }
    this.buffer = Buffer.from(this.buffer.subarray(offset));
  }

  /**
   * call at the end of input: throws when the archive is cut short or empty (unless
   * `allowEmpty`: Podman's archive of an empty folder has no entry at all)
   */
  end(options: { allowEmpty?: boolean } = {}): void {
    if (this.remaining > 0 || this.buffer.length > 0) throw invalidTar("the archive is truncated");
    if (!this.sawHeader && !options.allowEmpty) throw invalidTar("no entries");
  }

  private finishCollecting(): void {
    const c = this.collecting;
    if (!c) return;
    this.collecting = undefined;
    const data = Buffer.concat(c.chunks).subarray(0, c.size);
    if (c.kind === "pax") this.pax = { ...this.pax, ...parsePax(data) };
    else if (c.kind === "gnu-name") this.longName = str(data, 0, data.length);
    else this.longLink = str(data, 0, data.length);
  }

  private header(block: Buffer): void {
    if (block.every((b) => b === 0)) {
      this.zeroBlocks += 1;
      return;
    }
    if (this.zeroBlocks >= 2) throw invalidTar("data after the end-of-archive marker");
    this.zeroBlocks = 0;
    if (!checksumOk(block))
      throw invalidTar(
        this.sawHeader
          ? "a header checksum does not match (corrupt archive)"
          : "the first block is not a tar header",
      );
    this.sawHeader = true;
    const flag = str(block, 156, 1);
    const size = num(block, 124, 12);
    const padded = Math.ceil(size / BLOCK) * BLOCK;
    if (flag === "x" || flag === "L" || flag === "K" || flag === "g") {
      this.remaining = padded;
      const kind = flag === "x" ? "pax" : flag === "L" ? "gnu-name" : flag === "K" ? "gnu-link" : undefined;
      if (kind) this.collecting = { kind, chunks: [], size };
      if (padded === 0) this.finishCollecting();
      return;
    }
    const magic = str(block, 257, 6);
    const prefix = magic.startsWith("ustar") ? str(block, 345, 155) : "";
    const shortName = str(block, 0, 100);
    const name = this.pax.path ?? this.longName ?? (prefix ? `${prefix}/${shortName}` : shortName);
    const entry: TarEntry = {
      name,
      type: typeOf(flag),
      size: this.pax.size !== undefined ? Number(this.pax.size) : size,
      mode: num(block, 100, 8),
      uid: this.pax.uid !== undefined ? Number(this.pax.uid) : num(block, 108, 8),
      gid: this.pax.gid !== undefined ? Number(this.pax.gid) : num(block, 116, 8),
      linkName: this.pax.linkpath ?? this.longLink ?? str(block, 157, 100),
    };
    this.pax = {};
    this.longName = undefined;
    this.longLink = undefined;
    this.entries += 1;
    this.onEntry(entry);
    this.remaining =
      entry.type === "file" || entry.type === "other" ? Math.ceil(entry.size / BLOCK) * BLOCK : 0;
    this.dataLeft = this.remaining > 0 ? entry.size : 0;
    this.current = entry;
  }
}

/** a one-entry tar holding a directory header, used to set a folder's owner and mode */
export function directoryHeaderTar(name: string, owner: { uid: number; gid: number }, mode = 0o755): Buffer {
  const block = Buffer.alloc(BLOCK);
  const field = (value: string, start: number, length: number): void => {
    block.write(value, start, length, "utf8");
  };
  const octal = (value: number, start: number, length: number): void =>
    field(`${value.toString(8).padStart(length - 1, "0")}\0`, start, length);
  field(name.endsWith("/") ? name : `${name}/`, 0, 100);
  octal(mode, 100, 8);
  octal(owner.uid, 108, 8);
  octal(owner.gid, 116, 8);
  octal(0, 124, 12);
  octal(Math.floor(Date.now() / 1000), 136, 12);
  field("5", 156, 1);
  field("ustar\0", 257, 6);
  field("00", 263, 2);
  block.fill(32, 148, 156);
  let sum = 0;
  for (const b of block) sum += b;
  field(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8);
  return Buffer.concat([block, Buffer.alloc(BLOCK * 2)]);
}
