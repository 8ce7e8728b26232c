/**
 * All-or-none changes to several files (compose files + kiln's pins.json): the full intent —
 * every file's old and new bytes — is written and fsynced to `<stateDir>/journal.json` first,
 * then each file is replaced atomically, then the journal is removed. A crash anywhere leaves
 * either no journal (nothing or everything done) or a complete one, which the next kiln run
 * replays with `recoverJournal()`: files still at their old bytes get the new ones, so every
 * file ends exactly "after". A file that is neither old nor new was edited by someone after the
 * crash and is left alone (reported).
 */
import fs from "node:fs";
import path from "node:path";
import { KilnError } from "../../core/errors.js";
import { fsyncDir, resolveTarget, writeFileAtomicSync } from "../fs/atomic-write.js";
import { sha256Hex } from "../../core/digest.js";
import { hitFault, type FaultPoint } from "./fault-points.js";

export interface FileChange {
  path: string;
  /** new content; null deletes the file */
  content: Buffer | string | null;
  /** the content the file must have now (null: must not exist); default: whatever it is */
  expectedCurrent?: Buffer | string | null;
}

interface JournalEntry {
  path: string;
  /** base64, null = file absent */
  before: string | null;
  after: string | null;
  sha256After: string | null;
}

interface JournalFile {
  version: 1;
  createdAt: string;
  pid: number;
  entries: JournalEntry[];
}

export interface RecoveryReport {
  /** a journal was found */
  found: boolean;
  completed: string[];
  /** files changed by someone else since the crash: left as they are */
  conflicts: string[];
}

export function journalPath(stateDir: string): string {
  return path.join(stateDir, "journal.json");
}

export function commitFiles(
  stateDir: string,
  changes: readonly FileChange[],
  faults?: readonly FaultPoint[],
): void {
  if (fs.existsSync(journalPath(stateDir))) {
    throw new KilnError("ERR_KILN_INTERNAL", "an unfinished kiln change is pending", {
      hint: "recoverJournal() must run first (any kiln command does it under the project lock)",
    });
  }
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const entries: JournalEntry[] = changes.map((c) => {
    const target = resolveTarget(c.path);
    const before = readOrNull(target);
    if (c.expectedCurrent !== undefined && !sameBytes(before, c.expectedCurrent)) {
      throw new KilnError(
        "ERR_KILN_FILE_CHANGED",
        `${c.path} was changed by someone else while kiln was working; nothing was written`,
        {
          hint: "run the command again",
        },
      );
    }
    const after = c.content === null ? null : toBuffer(c.content);
    return {
      path: target,
      before: before?.toString("base64") ?? null,
      after: after?.toString("base64") ?? null,
      sha256After: after ? sha256Hex(after) : null,
    };
  });
  const journal: JournalFile = { version: 1, createdAt: new Date().toISOString(), pid: process.pid, entries };
  writeFileAtomicSync(journalPath(stateDir), JSON.stringify(journal), { newFileMode: 0o600, faults });
  hitFault("between-renames", faults);
  entries.forEach((e, i) => {
    if (i > 0) hitFault("between-files", faults);
    apply(e, decode(e.before), faults);
  });
  fs.rmSync(journalPath(stateDir));
  fsyncDir(stateDir);
}

/** Completes an interrupted commit, if there is one. Call under the project lock. */
export function recoverJournal(stateDir: string): RecoveryReport {
  const file = journalPath(stateDir);
  const report: RecoveryReport = { found: false, completed: [], conflicts: [] };
  let journal: JournalFile;
  try {
    journal = JSON.parse(fs.readFileSync(file, "utf8")) as JournalFile;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return report;
    throw new KilnError("ERR_KILN_BACKUP", `kiln's change journal ${file} is unreadable`, {
      hint: "move it aside (your files are not in it) and run kiln doctor",
      cause: err,
    });
  }
  report.found = true;
  for (const e of journal.entries) {
    removeStrayTemps(e.path);
    const now = readOrNull(e.path);
    const after = decode(e.after);
    const before = decode(e.before);
    if (sameBytes(now, after)) continue;
    if (sameBytes(now, before) || interruptedInPlace(e.path)) {
      apply(e, now);
      report.completed.push(e.path);
    } else {
      report.conflicts.push(e.path);
    }
    removeStrayCopies(e.path);
  }
  fs.rmSync(file);
  fsyncDir(stateDir);
  return report;
}

function apply(e: JournalEntry, current: Buffer | null, faults?: readonly FaultPoint[]): void {
  const after = decode(e.after);
  if (after === null) {
    fs.rmSync(e.path, { force: true });
    fsyncDir(path.dirname(e.path));
    return;
  }
  fs.mkdirSync(path.dirname(e.path), { recursive: true });
  writeFileAtomicSync(e.path, after, { expectedCurrent: current ?? undefined, faults });
}

/** leftovers of writeFileAtomic for this file: temp files (never the file itself) */
function tempsOf(file: string, suffix: string): string[] {
  const dir = path.dirname(file);
  const prefix = `.${path.basename(file)}.kiln-`;
  try {
    return fs
      .readdirSync(dir)
      .filter((n) => n.startsWith(prefix) && n.endsWith(suffix))
      .map((n) => path.join(dir, n));
  } catch {
    return [];
  }
}

function removeStrayTemps(file: string): void {
  for (const t of tempsOf(file, ".tmp")) fs.rmSync(t, { force: true });
}

function interruptedInPlace(file: string): boolean {
  return tempsOf(file, ".prev").length > 0;
}

function removeStrayCopies(file: string): void {
  for (const t of tempsOf(file, ".prev")) fs.rmSync(t, { force: true });
}

function readOrNull(file: string): Buffer | null {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
}

function decode(b64: string | null): Buffer | null {
  return b64 === null ? null : Buffer.from(b64, "base64");
}

function toBuffer(data: Buffer | string): Buffer {
  return typeof data === "string" ? Buffer.from(data, "utf8") : data;
}

function sameBytes(a: Buffer | null, b: Buffer | string | null): boolean {
  if (a === null || b === null) return a === b;
  return a.equals(toBuffer(b));
}
