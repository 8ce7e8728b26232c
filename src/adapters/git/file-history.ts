/**
 * Committed versions of one file, newest first, read with git (argument arrays only): what
 * `kiln restore --from-git` and status search for the version of a compose file before kiln's
 * pins (#12.3). Not a git checkout, or git missing: no versions.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";

export interface CommittedVersion {
  commit: string;
  text: string;
}

function git(cwd: string, args: string[]): string | undefined {
  const r = spawnSync("git", args, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, timeout: 30_000 });
  return r.status === 0 ? r.stdout : undefined;
}

/** the file as committed in the last `limit` commits that changed it, newest first (lazily read) */
export function* committedVersions(file: string, limit = 50): Generator<CommittedVersion> {
  const dir = path.dirname(file);
  const name = path.basename(file);
  const log = git(dir, ["log", `--max-count=${limit}`, "--format=%H", "--", name]);
  if (!log) return;
  for (const commit of log.split("\n").filter(Boolean)) {
    const text = git(dir, ["show", `${commit}:./${name}`]);
    if (text !== undefined) yield { commit, text };
  }
}
