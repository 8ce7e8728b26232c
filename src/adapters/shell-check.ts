/** `sh -n` as the shell check `fixUntilStable` takes: the core stays pure, the process runs here. */
import { spawnSync } from "node:child_process";

/** Does the script parse as POSIX shell? (argument array, script on stdin, nothing executed) */
export function shellParses(script: string): boolean {
  const r = spawnSync("sh", ["-n"], { input: script, stdio: ["pipe", "ignore", "ignore"], timeout: 10_000 });
  // no sh on this machine: cannot prove anything, so do not block the fix on it
  if (r.error !== undefined) return true;
  return r.status === 0;
}
