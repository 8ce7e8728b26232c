/**
 * The one way a kiln command starts changing a project's files (bake/rebuild/up pinning,
 * restore, volumes fix): take the project lock, end builds a killed kiln left running, then
 * complete any journal commit a crashed kiln left behind — always in this order, so recovery
 * never races another kiln. The change itself is `BackupStore.ensureBackup()` of each file
 * before its first change, then ONE `commitFiles()` (journal: all files or none).
 */
import { describeOrphan, endOrphans, recordChildren } from "./child-records.js";
import { recoverJournal, type RecoveryReport } from "./journal.js";
import { acquireLock } from "./lock.js";

export interface ProjectSession {
  recovery: RecoveryReport;
  release(): void;
}

export interface ProjectSessionOptions {
  /** recorded in the lock, shown to a second kiln that finds it */
  command: string;
  /** a stale lock taken over, orphan builds ended */
  log: (message: string) => void;
  /** called as soon as the lock is held (before recovery, so a failed recovery is still recorded) */
  onLocked?: () => void;
  /** record the builds this run starts, so a later kiln can end them if this one is killed */
  recordChildren?: boolean;
}

export function openProjectSession(stateDir: string, options: ProjectSessionOptions): ProjectSession {
  const lock = acquireLock(stateDir, { command: options.command, onTakeover: options.log });
  let stopRecording = (): void => undefined;
  const release = (): void => {
    stopRecording();
    lock.release();
  };
  try {
    options.onLocked?.();
    for (const o of endOrphans(stateDir)) {
      options.log(`kiln: ended a build left running by a kiln process that was killed: ${describeOrphan(o)}`);
    }
    if (options.recordChildren) stopRecording = recordChildren(stateDir);
    return { recovery: recoverJournal(stateDir), release };
  } catch (err) {
    release();
    throw err;
  }
}
