/**
 * Where kiln keeps its own state for one project: outside the project, so that backups, locks
 * and journals never become part of a build context.
 * `${KILN_STATE_DIR:-${XDG_STATE_HOME:-$HOME/.local/state}/kiln}/projects/<16 hex of sha256(abs dir)>/`
 */
import { createHash } from "node:crypto";
import os from "node:os";
import path from "node:path";

type Env = Record<string, string | undefined>;

/** kiln's root state folder (all projects). */
export function kilnStateRoot(env: Env = process.env): string {
  if (env.KILN_STATE_DIR) return path.resolve(env.KILN_STATE_DIR);
  const xdg = env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : undefined;
  const base = xdg ?? path.join(env.HOME || os.homedir(), ".local", "state");
  return path.join(base, "kiln");
}

/** The 16-hex-digit key of a project: sha256 of its absolute path. */
export function projectKey(projectDir: string): string {
  return createHash("sha256").update(path.resolve(projectDir)).digest("hex").slice(0, 16);
}

/** The state folder of one project (not created here). */
export function projectStateDir(projectDir: string, env: Env = process.env): string {
  return path.join(kilnStateRoot(env), "projects", projectKey(projectDir));
}
