// Small helpers the benches share: a timed synchronous process run and the median.
import { spawnSync } from "node:child_process";

/** runs args[0] with args[1..] (no shell); throws with the stderr tail unless it exits 0 */
export function run(args, opts = {}) {
  const t = process.hrtime.bigint();
  const r = spawnSync(args[0], args.slice(1), { encoding: "utf8", maxBuffer: 1 << 28, ...opts });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0)
    throw new Error(`${args.join(" ")} failed (${r.status}):\n${(r.stderr ?? "").slice(-3000)}`);
  return { ms, stdout: r.stdout, stderr: r.stderr };
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
