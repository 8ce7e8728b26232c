/**
 * Fault injection for the crash-safety tests: at a named point the process dies at once
 * (SIGKILL, like a power cut for everything not yet fsynced). Enabled by an explicit list or by
 * env KILN_FAULT (comma-separated points); KILN_FAULT_SKIP=N lets the first N hits pass, so a
 * test can die at, e.g., the second file. The env applies to every write of the process
 * (backups, journal, compose files), so counting hits walks through a whole commit.
 *
 * - after-temp-write: writeFileAtomic wrote the temp file, not yet fsynced
 * - after-fsync: temp file durable, target not yet replaced
 * - between-renames: the journal is in place, no compose file replaced yet
 * - between-files: one file of a journal commit replaced, the next not yet
 */
export type FaultPoint = "after-temp-write" | "after-fsync" | "between-renames" | "between-files";

let hits = 0;

export function hitFault(point: FaultPoint, faults?: readonly FaultPoint[]): void {
  const fromEnv = process.env.KILN_FAULT;
  if (!faults?.includes(point) && !(fromEnv && fromEnv.split(",").includes(point))) return;
  hits++;
  if (hits <= Number(process.env.KILN_FAULT_SKIP ?? 0)) return;
  process.kill(process.pid, "SIGKILL");
}
