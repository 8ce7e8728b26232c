/**
 * Leftovers of an interrupted kiln run: an unfinished journal (files half-pinned) or a lock
 * held by a process that is gone.
 */
import { accessSync, constants, existsSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import type { CheckResult } from "../../../core/doctor/check.js";
import { journalPath, recoverJournal } from "../../../adapters/state/journal.js";
import { isAlive, lockPath, type LockInfo } from "../../../adapters/state/lock.js";
import { describeOrphan, endOrphans, findOrphans } from "../../../adapters/state/child-records.js";

/**
 * kiln's state folder can be written: the nearest existing folder on its path is a folder, and
 * writable (access(2) says EROFS on a read-only mount even for root) (#12.8).
 */
function stateDirCheck(stateDir: string): CheckResult {
  const id = "state.dir";
  let existing = stateDir;
  while (!existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  try {
    if (!statSync(existing).isDirectory())
      return {
        id,
        status: "fail",
        message: `${existing} is a file, where kiln's state folder ${stateDir} should be`,
        hint: "move that file away, or point KILN_STATE_DIR at a folder kiln may write",
      };
    accessSync(existing, constants.W_OK);
  } catch (error: unknown) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    return {
      id,
      status: "fail",
      message: `kiln cannot write its state folder ${stateDir} (${code} on ${existing})`,
      hint: "make it writable, or set KILN_STATE_DIR to a folder on a writable filesystem",
    };
  }
  return { id, status: "ok", message: `state folder ${stateDir} is writable` };
}

export function stateChecks(stateDir: string, fix: boolean): CheckResult[] {
  const out: CheckResult[] = [stateDirCheck(stateDir)];
  if (existsSync(journalPath(stateDir))) {
    if (fix) {
      const r = recoverJournal(stateDir);
      out.push({
        id: "state.journal",
        status: "ok",
        message: `completed an interrupted change (${r.completed.length} file(s))`,
        fixable: true,
      });
    } else {
      out.push({
        id: "state.journal",
        status: "fail",
        message: `an interrupted kiln change is pending (${journalPath(stateDir)})`,
        hint: "kiln doctor --fix (completes it; any kiln bake/restore does too)",
        fixable: true,
      });
    }
  } else out.push({ id: "state.journal", status: "ok", message: "no interrupted change" });

  const lock = lockPath(stateDir);
  if (existsSync(lock)) {
    let holder: LockInfo | undefined;
    try {
      holder = JSON.parse(readFileSync(lock, "utf8")) as LockInfo;
    } catch {
      holder = undefined;
    }
    if (holder && isAlive(holder)) {
      out.push({
        id: "state.lock",
        status: "ok",
        message: `kiln pid ${holder.pid} is working on this project now`,
      });
    } else if (fix) {
      rmSync(lock, { force: true });
      out.push({
        id: "state.lock",
        status: "ok",
        message: "removed a lock left by a kiln process that is gone",
        fixable: true,
      });
    } else {
      out.push({
        id: "state.lock",
        status: "warn",
        message: `a lock left by a kiln process that is gone${holder ? ` (pid ${holder.pid} on ${holder.host}, ${holder.startedAt})` : ""}`,
        hint: "kiln doctor --fix (the next kiln command also takes it over)",
        fixable: true,
      });
    }
  } else out.push({ id: "state.lock", status: "ok", message: "no lock held" });

  const orphans = fix ? endOrphans(stateDir) : findOrphans(stateDir);
  if (orphans.length === 0) {
    out.push({ id: "state.orphans", status: "ok", message: "no build processes left by a killed kiln" });
  } else if (fix) {
    out.push({
      id: "state.orphans",
      status: "ok",
      message: `ended ${orphans.length} build process group(s) left by a killed kiln: ${orphans.map(describeOrphan).join("; ")}`,
      fixable: true,
    });
  } else {
    out.push({
      id: "state.orphans",
      status: "warn",
      message: `${orphans.length} build process group(s) left running by a kiln that was killed: ${orphans.map(describeOrphan).join("; ")}`,
      hint: "kiln doctor --fix (ends them by their recorded pids; the next kiln bake/restore does too)",
      fixable: true,
    });
  }
  return out;
}
