/**
 * The two calls a pinning command needs around its edits:
 * - `openProjectState()`: state dir, project lock, then completion of any commit a crashed kiln
 *   left behind — always in this order, so recovery never races another kiln.
 * - `commitPinChanges()`: backs up each file before its first change, then writes the new
 *   compose texts and pins.json in ONE journal commit (all or none). A file left without pins
 *   (fully restored) has its backup discarded, so the next bake backs up the file as it is then.
 */
import fs from "node:fs";
import type { PinRecord } from "../../core/pin/pin-record.js";
import { BackupStore } from "./backup-store.js";
import type { FaultPoint } from "./fault-points.js";
import { commitFiles, recoverJournal, type RecoveryReport } from "./journal.js";
import { acquireLock, type LockHandle } from "./lock.js";
import { pinsFileChange, pinsOf, readPins, withPin } from "./pin-store.js";
import { projectStateDir } from "./state-dir.js";

export interface ProjectState {
  stateDir: string;
  lock: LockHandle;
  recovery: RecoveryReport;
  close(): void;
}

export function openProjectState(
  projectDir: string,
  options: {
    env?: Record<string, string | undefined>;
    command?: string;
    log?: (message: string) => void;
  } = {},
): ProjectState {
  const stateDir = projectStateDir(projectDir, options.env ?? process.env);
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const lock = acquireLock(stateDir, { command: options.command, onTakeover: log });
  let recovery: RecoveryReport;
  try {
    recovery = recoverJournal(stateDir);
  } catch (err) {
    lock.release();
    throw err;
  }
  if (recovery.completed.length > 0) {
    log(`kiln: completed an interrupted change of ${recovery.completed.join(", ")}`);
  }
  for (const file of recovery.conflicts) {
    log(
      `kiln: ${file} was edited after an interrupted kiln change; left as it is (kiln status shows its pins)`,
    );
  }
  return { stateDir, lock, recovery, close: () => lock.release() };
}

export interface PinChange {
  file: string;
  /** the text kiln read (the write stops if the file differs by then) */
  before: string;
  after: string;
  /** per service: the new record, or null when the service was unpinned */
  records: Record<string, PinRecord | null>;
}

export function commitPinChanges(
  stateDir: string,
  changes: readonly PinChange[],
  faults?: readonly FaultPoint[],
): void {
  const backups = new BackupStore(stateDir);
  let pins = readPins(stateDir);
  for (const c of changes) {
    if (c.after !== c.before) backups.ensureBackup(c.file, c.before);
    for (const [service, record] of Object.entries(c.records)) pins = withPin(pins, c.file, service, record);
  }
  commitFiles(
    stateDir,
    [
      ...changes
        .filter((c) => c.after !== c.before)
        .map((c) => ({ path: c.file, content: c.after, expectedCurrent: c.before })),
      pinsFileChange(stateDir, pins),
    ],
    faults,
  );
  for (const c of changes) {
    if (pinsOf(pins, c.file).length === 0) backups.discard(c.file);
  }
}
