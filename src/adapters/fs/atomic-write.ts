/**
 * Replacing a user's file without ever leaving it half-written: temp file in the same folder,
 * same mode and owner, fsync, a last look at the current content (someone else may have edited
 * it meanwhile), rename, fsync of the folder. Symlinks are followed: the target is edited and
 * the link stays a link. Where rename is impossible (a single file bind-mounted into a
 * container: EBUSY; EXDEV) or would lose something (another owner we cannot chown to as
 * non-root; other hard links) the file is rewritten in place after a copy of it is saved.
 */
import fs from "node:fs";
import path from "node:path";
import { KilnError } from "../../core/errors.js";
import { hitFault, type FaultPoint } from "../state/fault-points.js";

export interface AtomicWriteOptions {
  /** the content the file must still have; a mismatch throws ERR_KILN_FILE_CHANGED */
  expectedCurrent?: Buffer | string;
  /** where the in-place fallback saves the previous content (default: next to the file) */
  fallbackCopyDir?: string;
  /** tests only: points where the process exits hard (also env KILN_FAULT) */
  faults?: readonly FaultPoint[];
  /** permission for a file that does not exist yet */
  newFileMode?: number;
}

export interface AtomicWriteResult {
  /** the file actually written (symlinks resolved) */
  target: string;
  method: "rename" | "in-place";
}

export async function writeFileAtomic(
  file: string,
  content: Buffer | string,
  options: AtomicWriteOptions = {},
): Promise<AtomicWriteResult> {
  return writeFileAtomicSync(file, content, options);
}

export function writeFileAtomicSync(
  file: string,
  content: Buffer | string,
  options: AtomicWriteOptions = {},
): AtomicWriteResult {
  const target = resolveTarget(file);
  const data = typeof content === "string" ? Buffer.from(content, "utf8") : content;
  const stat = statOrNull(target);
  if (stat) assertWritable(target, stat);
  const dir = path.dirname(target);
  const temp = path.join(dir, `.${path.basename(target)}.kiln-${process.pid}-${randomSuffix()}.tmp`);
  const mode = stat ? stat.mode & 0o7777 : (options.newFileMode ?? 0o644);
  let fd: number;
  let sameIdentity = true;
  try {
    fd = fs.openSync(temp, "wx", mode);
  } catch (err) {
    throw writeError(target, err);
  }
  try {
    try {
      writeAll(fd, data);
      hitFault("after-temp-write", options.faults);
      fs.fchmodSync(fd, mode); // umask may have narrowed it
      if (stat) sameIdentity = keepOwner(fd, stat) && stat.nlink === 1;
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    hitFault("after-fsync", options.faults);
    assertUnchanged(target, options.expectedCurrent);
    try {
      // a replacement we could not give the owner back to, or a file with other hard links,
      // is rewritten in place instead: a new inode would change who owns it / split the links
      if (!sameIdentity) throw Object.assign(new Error("keep the inode"), { code: "EKEEPINODE" });
      fs.renameSync(temp, target);
    } catch (err) {
      if (!isRenameImpossible(err) || !stat) throw writeError(target, err);
      writeInPlace(target, data, options);
      fs.rmSync(temp, { force: true });
      return { target, method: "in-place" };
    }
    fsyncDir(dir);
    return { target, method: "rename" };
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw err;
  }
}

/** Follows symlinks (also dangling ones and chains) to the file that must be written. */
export function resolveTarget(file: string): string {
  const abs = path.resolve(file);
  try {
    return fs.realpathSync(abs);
  } catch (err) {
    if (code(err) !== "ENOENT") throw err;
  }
  let current = abs;
  for (let hops = 0; hops < 40; hops++) {
    let link: string;
    try {
      link = fs.readlinkSync(current);
    } catch {
      break; // not a symlink (or missing): a new file here
    }
    current = path.resolve(path.dirname(current), link);
  }
  return path.join(fs.realpathSync(path.dirname(current)), path.basename(current));
}

function assertWritable(target: string, stat: fs.Stats): void {
  // root may write anything; a file without any write bit is still the user's "read-only"
  if ((stat.mode & 0o222) === 0) {
    throw new KilnError("ERR_KILN_FILE_READONLY", `${target} is read-only; kiln changed nothing`, {
      hint: `make it writable (chmod u+w ${target}) or use --mode override, which leaves it untouched`,
    });
  }
  try {
    fs.accessSync(target, fs.constants.W_OK);
  } catch (err) {
    throw writeError(target, err);
  }
}

function assertUnchanged(target: string, expected: Buffer | string | undefined): void {
  if (expected === undefined) return;
  const want = typeof expected === "string" ? Buffer.from(expected, "utf8") : expected;
  let now: Buffer | null;
  try {
    now = fs.readFileSync(target);
  } catch (err) {
    if (code(err) !== "ENOENT") throw err;
    now = null;
  }
  if (now === null || !now.equals(want)) {
    throw new KilnError(
      "ERR_KILN_FILE_CHANGED",
      `${target} was changed by someone else while kiln was working; kiln left it as it is`,
      { hint: "run the command again" },
    );
  }
}

/** Rewrites the file's own inode; a copy of the old content is kept until the write is durable. */
function writeInPlace(target: string, data: Buffer, options: AtomicWriteOptions): void {
  const previous = fs.readFileSync(target);
  const copyDir = options.fallbackCopyDir ?? path.dirname(target);
  fs.mkdirSync(copyDir, { recursive: true });
  const copy = path.join(copyDir, `.${path.basename(target)}.kiln-${process.pid}-${randomSuffix()}.prev`);
  fs.writeFileSync(copy, previous, { flag: "wx" });
  const cfd = fs.openSync(copy, "r");
  fs.fsyncSync(cfd);
  fs.closeSync(cfd);
  fsyncDir(copyDir);
  const fd = fs.openSync(target, "r+");
  try {
    fs.ftruncateSync(fd, 0);
    writeAll(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.rmSync(copy, { force: true });
}

function writeAll(fd: number, data: Buffer): void {
  let off = 0;
  while (off < data.length) off += fs.writeSync(fd, data, off, data.length - off, off);
}

/** Gives the temp file the original's owner; false when that is not allowed (not root). */
function keepOwner(fd: number, stat: fs.Stats): boolean {
  const uid = process.getuid?.();
  if (uid === undefined) return true;
  try {
    fs.fchownSync(fd, stat.uid, stat.gid);
    return true;
  } catch (err) {
    if (uid === 0) throw err;
    return false; // someone else's file (or group) that we may write: keep its inode
  }
}

export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, "r");
    fs.fsyncSync(fd);
  } catch {
    // some filesystems refuse fsync on a directory; the rename is still atomic there
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function isRenameImpossible(err: unknown): boolean {
  return ["EBUSY", "EXDEV", "EKEEPINODE"].includes(code(err) ?? "");
}

function writeError(target: string, err: unknown): KilnError {
  const c = code(err);
  if (c === "EACCES" || c === "EPERM" || c === "EROFS") {
    return new KilnError("ERR_KILN_FILE_READONLY", `cannot write ${target} (${c}); kiln changed nothing`, {
      hint: `check the permissions of ${path.dirname(target)} and ${target}, or use --mode override`,
      cause: err,
    });
  }
  return new KilnError("ERR_KILN_INTERNAL", `writing ${target} failed: ${(err as Error).message}`, {
    hint: "check free disk space and permissions of the folder; your file is unchanged",
    cause: err,
  });
}

function statOrNull(file: string): fs.Stats | null {
  try {
    return fs.statSync(file);
  } catch (err) {
    if (code(err) === "ENOENT") return null;
    throw err;
  }
}

function randomSuffix(): string {
  return Math.random().toString(36).slice(2, 10);
}

function code(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}
