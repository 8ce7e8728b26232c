/**
 * The state port's real members (app/ports.ts `StatePort`) past the session and the history:
 * where a project's state dir is, kiln's pin records, the journal commit, the backups, the
 * override file, other folders' records and what doctor inspects. adapters/real-ports.ts and
 * the use-case tests' fake ports both use these.
 */
import { BackupStore } from "./backup-store.js";
import { commitFiles, type FileChange } from "./journal.js";
import { stateLeftovers } from "./leftovers.js";
import { recordsElsewhere } from "./other-records.js";
import { readOverridePins, removeOverridePins, writeOverridePins } from "./override-file.js";
import { pinsFileChange, readPins, type PinsFile } from "./pin-store.js";
import { projectStateDir, stateDirError } from "./state-dir.js";

export const stateStore = {
  dir: projectStateDir,
  dirError: stateDirError,
  readPins,
  commit: (stateDir: string, changes: readonly FileChange[], pins?: PinsFile): void =>
    commitFiles(stateDir, pins ? [...changes, pinsFileChange(stateDir, pins)] : changes),
  backups: (stateDir: string) => new BackupStore(stateDir),
  readOverride: readOverridePins,
  writeOverride: writeOverridePins,
  removeOverride: removeOverridePins,
  recordsElsewhere,
  leftovers: stateLeftovers,
};
