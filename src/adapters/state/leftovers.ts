/**
 * What `kiln doctor` looks at in a project's state dir: whether kiln can write it, and what an
 * interrupted run left there — an unfinished journal, a lock whose process is gone, build
 * process groups a killed kiln left running — with the fix for each (`doctor --fix`).
 */
import { accessSync, constants, existsSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { describeOrphan, endOrphans, findOrphans } from "./child-records.js";
import { journalPath, recoverJournal, type RecoveryReport } from "./journal.js";
import { isAlive, lockPath, type LockInfo } from "./lock.js";

export interface StateLeftovers {
  /**
   * Why kiln cannot write its state dir, judged on the nearest existing folder on its path
   * (access(2) says EROFS on a read-only mount even for root); undefined when it can.
   */
  unwritable: () => { at: string; reason: "not-a-folder" | (string & {}) } | undefined;
  /** the journal of an interrupted change, when one is pending */
  journal: () => string | undefined;
  /** completes that change (what any bake/restore does under the lock) */
  completeJournal: () => RecoveryReport;
  /** the lock, when one is there: its holder (undefined when unreadable) and whether it lives */
  lock: () => { holder?: LockInfo; alive: boolean } | undefined;
  removeLock: () => void;
  /** the build process groups a killed kiln left running, described; with `end`, ended first */
  orphans: (end: boolean) => string[];
}

export function stateLeftovers(stateDir: string): StateLeftovers {
  return {
    unwritable: () => {
      let existing = stateDir;
      while (!existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
      try {
        if (!statSync(existing).isDirectory()) return { at: existing, reason: "not-a-folder" };
        accessSync(existing, constants.W_OK);
      } catch (error: unknown) {
        return { at: existing, reason: (error as NodeJS.ErrnoException).code ?? String(error) };
      }
      return undefined;
    },
    journal: () => (existsSync(journalPath(stateDir)) ? journalPath(stateDir) : undefined),
    completeJournal: () => recoverJournal(stateDir),
    lock: () => {
      const file = lockPath(stateDir);
      if (!existsSync(file)) return undefined;
      let holder: LockInfo | undefined;
      try {
        holder = JSON.parse(readFileSync(file, "utf8")) as LockInfo;
      } catch {
        holder = undefined;
      }
      return holder ? { holder, alive: isAlive(holder) } : { alive: false };
    },
    removeLock: () => rmSync(lockPath(stateDir), { force: true }),
    orphans: (end) => (end ? endOrphans(stateDir) : findOrphans(stateDir)).map(describeOrphan),
  };
}
