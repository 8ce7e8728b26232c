/**
 * Fault injection for the crash-safety tests: at a named point the process dies at once
 * (SIGKILL, like a power cut for everything not yet fsynced). Enabled by an explicit list or by
 * env KILN_FAULT (comma-separated points); KILN_FAULT_SKIP=N lets the first N hits pass, so a
 * test can die at, e.g., the second file.
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
