/**
 * Leftovers of an interrupted kiln run: an unfinished journal (files half-pinned) or a lock
 * held by a process that is gone.
 */
import type { CheckResult } from "../../../core/doctor/check.js";
import type { StateLeftovers } from "../../../adapters/state/leftovers.js";

/** kiln's state folder can be written (#12.8) */
function stateDirCheck(stateDir: string, state: StateLeftovers): CheckResult {
  const id = "state.dir";
  const problem = state.unwritable();
  if (problem?.reason === "not-a-folder")
    return {
      id,
      status: "fail",
      message: `${problem.at} is a file, where kiln's state folder ${stateDir} should be`,
      hint: "move that file away, or point KILN_STATE_DIR at a folder kiln may write",
    };
  if (problem)
    return {
      id,
      status: "fail",
      message: `kiln cannot write its state folder ${stateDir} (${problem.reason} on ${problem.at})`,
      hint: "make it writable, or set KILN_STATE_DIR to a folder on a writable filesystem",
    };
  return { id, status: "ok", message: `state folder ${stateDir} is writable` };
}

/** `state`: what the state port finds in `stateDir` (adapters/state/leftovers.ts) */
export function stateChecks(stateDir: string, state: StateLeftovers, fix: boolean): CheckResult[] {
  const out: CheckResult[] = [stateDirCheck(stateDir, state)];
  const journal = state.journal();
  if (journal) {
    if (fix) {
      const r = state.completeJournal();
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
        message: `an interrupted kiln change is pending (${journal})`,
        hint: "kiln doctor --fix (completes it; any kiln bake/restore does too)",
        fixable: true,
      });
    }
  } else out.push({ id: "state.journal", status: "ok", message: "no interrupted change" });

  const lock = state.lock();
  if (lock) {
    const holder = lock.holder;
    if (holder && lock.alive) {
      out.push({
        id: "state.lock",
        status: "ok",
        message: `kiln pid ${holder.pid} is working on this project now`,
      });
    } else if (fix) {
      state.removeLock();
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

  const orphans = state.orphans(fix);
  if (orphans.length === 0) {
    out.push({ id: "state.orphans", status: "ok", message: "no build processes left by a killed kiln" });
  } else if (fix) {
    out.push({
      id: "state.orphans",
      status: "ok",
      message: `ended ${orphans.length} build process group(s) left by a killed kiln: ${orphans.join("; ")}`,
      fixable: true,
    });
  } else {
    out.push({
      id: "state.orphans",
      status: "warn",
      message: `${orphans.length} build process group(s) left running by a kiln that was killed: ${orphans.join("; ")}`,
      hint: "kiln doctor --fix (ends them by their recorded pids; the next kiln bake/restore does too)",
      fixable: true,
    });
  }
  return out;
}
