/**
 * Pristine copies of the user's files, saved before kiln first changes them, with a sha256 so
 * that a damaged backup is noticed. A later bake never overwrites a backup: only `discard()`
 * (after the file is back to its original) lets the next bake take a new one.
 *
 * Layout: `<stateDir>/backups/<basename>.<16 hex of sha256(abs path)>.orig` plus `.json` meta;
 * the meta is written last, so a backup without meta is an unfinished one and is redone.
 */
import fs from "node:fs";
import path from "node:path";
import { sha256Hex } from "../../core/digest.js";
import { KilnError, isKilnError } from "../../core/errors.js";
import type { PinRecord } from "../../core/pin/pin-record.js";
import { unpinAll } from "../../core/pin/unpin-text.js";
import { resolveTarget, writeFileAtomicSync } from "../fs/atomic-write.js";

export interface BackupMeta {
  version: 1;
  /** the file backed up (symlinks resolved) */
  file: string;
  sha256: string;
  size: number;
  mode: number;
  savedAt: string;
}

export class BackupStore {
  readonly dir: string;

  constructor(stateDir: string) {
    this.dir = path.join(stateDir, "backups");
  }

  paths(file: string): { target: string; data: string; meta: string } {
    const target = resolveTarget(file);
    const base = `${path.basename(target)}.${sha256Hex(target).slice(0, 16)}`;
    return { target, data: path.join(this.dir, `${base}.orig`), meta: path.join(this.dir, `${base}.json`) };
  }

  get(file: string): BackupMeta | null {
    try {
      return JSON.parse(fs.readFileSync(this.paths(file).meta, "utf8")) as BackupMeta;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw new KilnError("ERR_KILN_BACKUP", `the backup record of ${file} is damaged`, {
        hint: "kiln doctor shows the backups; kiln restore does not need the record",
        cause: err,
      });
    }
  }

  /**
   * Saves the file's current content as its pristine original, unless a backup exists already.
   * With `expected`, the content must still be what the caller read (else ERR_KILN_FILE_CHANGED).
   */
  ensureBackup(file: string, expected?: Buffer | string): BackupMeta {
    const existing = this.get(file);
    if (existing) {
      this.verifyOrThrow(file);
      return existing;
    }
    const { target, data, meta } = this.paths(file);
    const content = fs.readFileSync(target);
    if (
      expected !== undefined &&
      !content.equals(typeof expected === "string" ? Buffer.from(expected) : expected)
    ) {
      throw new KilnError(
        "ERR_KILN_FILE_CHANGED",
        `${file} was changed by someone else while kiln was working; nothing was written`,
        {
          hint: "run the command again",
        },
      );
    }
    const stat = fs.statSync(target);
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    writeFileAtomicSync(data, content, { newFileMode: 0o600 });
    const record: BackupMeta = {
      version: 1,
      file: target,
      sha256: sha256Hex(content),
      size: content.length,
      mode: stat.mode & 0o7777,
      savedAt: new Date().toISOString(),
    };
    writeFileAtomicSync(meta, JSON.stringify(record, null, 2) + "\n", { newFileMode: 0o600 });
    return record;
  }

  /** the pristine bytes (checksum verified) */
  read(file: string): Buffer {
    this.verifyOrThrow(file);
    return fs.readFileSync(this.paths(file).data);
  }

  /** true when a backup exists and its checksum matches */
  verify(file: string): boolean {
    const meta = this.get(file);
    if (!meta) return false;
    try {
      return sha256Hex(fs.readFileSync(this.paths(file).data)) === meta.sha256;
    } catch {
      return false;
    }
  }

  private verifyOrThrow(file: string): void {
    if (!this.get(file)) {
      throw new KilnError("ERR_KILN_BACKUP", `kiln has no backup of ${file}`, {
        hint: "nothing to restore from: kiln never changed this file (or its state dir was removed)",
      });
    }
    if (!this.verify(file)) {
      throw new KilnError("ERR_KILN_BACKUP", `the backup of ${file} does not match its checksum`, {
        hint: `inspect ${this.paths(file).data}; restore with git (git checkout -- ${file}) if you track it`,
      });
    }
  }

  /**
   * `restore --from-backup`: writes the pristine original back wholesale. Without `force` it
   * refuses when the current file has edits beyond kiln's pins (undoing the pins would not give
   * back the backup), since those edits would be lost.
   */
  restoreWholesale(file: string, options: { force?: boolean; records?: readonly PinRecord[] } = {}): void {
    const original = this.read(file);
    const { target } = this.paths(file);
    const current = fs.existsSync(target) ? fs.readFileSync(target) : null;
    if (current?.equals(original)) return;
    if (
      !options.force &&
      (current === null || !onlyPinsDiffer(current.toString("utf8"), original, options.records ?? []))
    ) {
      throw new KilnError(
        "ERR_KILN_FILE_CHANGED",
        `${file} has edits made after kiln pinned it; restoring the backup would lose them`,
        {
          hint: "kiln restore (without --from-backup) keeps them; add --force to overwrite them anyway",
        },
      );
    }
    writeFileAtomicSync(target, original, {
      expectedCurrent: current ?? undefined,
      newFileMode: this.get(file)?.mode,
    });
  }

  /** forgets the backup (call once the file is back to its original) */
  discard(file: string): void {
    const { data, meta } = this.paths(file);
    fs.rmSync(meta, { force: true });
    fs.rmSync(data, { force: true });
  }
}

function onlyPinsDiffer(current: string, original: Buffer, records: readonly PinRecord[]): boolean {
  let text: string;
  try {
    text = unpinAll(current, records);
  } catch (err) {
    if (isKilnError(err)) return false;
    throw err;
  }
  return Buffer.from(text, "utf8").equals(original);
}
