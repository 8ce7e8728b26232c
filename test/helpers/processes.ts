/**
 * Finding the processes a test's kiln started, by a marker in their environment
 * (KILN_TEST_MARK=<mark>, inherited by kiln's build processes), and ending them.
 */
import { readdirSync, readFileSync } from "node:fs";

export function tryKill(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // gone
  }
}

/** live (not zombie) processes whose environment carries `KILN_TEST_MARK=<mark>` */
export function processesWith(mark: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (!readFileSync(`/proc/${name}/environ`, "latin1").includes(`KILN_TEST_MARK=${mark}\0`)) continue;
      const state = readFileSync(`/proc/${name}/stat`, "utf8").split(") ")[1]?.[0];
      if (state !== "Z") out.push(Number(name));
    } catch {
      // ended meanwhile
    }
  }
  return out;
}
