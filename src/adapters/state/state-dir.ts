/**
 * Where kiln keeps its own state for one project: outside the project, so that backups, locks
 * and journals never become part of a build context.
 * `${KILN_STATE_DIR:-${XDG_STATE_HOME:-$HOME/.local/state}/kiln}/projects/<16 hex of sha256(abs dir)>/`
 */
import os from "node:os";
import path from "node:path";
import { sha256Hex } from "../../core/digest.js";
import { KilnError } from "../../core/errors.js";

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
  return sha256Hex(path.resolve(projectDir)).slice(0, 16);
}

/** The state folder of one project (not created here). */
export function projectStateDir(projectDir: string, env: Env = process.env): string {
  return path.join(kilnStateRoot(env), "projects", projectKey(projectDir));
}

const STATE_DIR_ERRNO: Record<string, { what: string; hint: (root: string, at: string) => string }> = {
  ENOTDIR: {
    what: "a file is where a folder should be",
    hint: (root) => `move that file away, or point KILN_STATE_DIR at a folder kiln may write (now ${root})`,
  },
  EEXIST: {
    what: "a file is where a folder should be",
    hint: (root) => `move that file away, or point KILN_STATE_DIR at a folder kiln may write (now ${root})`,
  },
  EISDIR: {
    what: "a folder is where a file should be",
    hint: (_root, at) => `remove the folder ${at} (kiln writes a file there)`,
  },
  EACCES: {
    what: "permission denied",
    hint: (root) => `make ${root} writable for this user, or set KILN_STATE_DIR to a folder that is`,
  },
  EPERM: {
    what: "operation not permitted",
    hint: (root) => `make ${root} writable for this user, or set KILN_STATE_DIR to a folder that is`,
  },
  "EROFS?": {
    what: "cannot create a folder there (a read-only filesystem?)",
    hint: (root) => `make ${root} writable, or set KILN_STATE_DIR to a folder on a writable filesystem`,
  },
  EROFS: {
    what: "read-only filesystem",
    hint: () => "set KILN_STATE_DIR to a folder on a writable filesystem",
  },
  ENOSPC: {
    what: "no space left on the device",
    hint: (root) => `free some space on the filesystem of ${root}, or set KILN_STATE_DIR to another one`,
  },
  EDQUOT: {
    what: "disk quota exceeded",
    hint: (root) => `free some space on the filesystem of ${root}, or set KILN_STATE_DIR to another one`,
  },
};

/**
 * A filesystem error on kiln's own state (a file where the state folder should be, a read-only
 * or full filesystem) as a KilnError the user can act on (ERR_KILN_STATE_DIR, exit 2), instead of
 * an unexplained ENOTDIR (#12.8). Undefined when the error is not about the state dir.
 */
export function stateDirError(error: unknown, env: Env = process.env): KilnError | undefined {
  if (!(error instanceof Error) || error instanceof KilnError) return undefined;
  const e = error as NodeJS.ErrnoException & { dest?: string };
  // Node's recursive mkdir reports a read-only filesystem as ENOENT
  const code = e.code === "ENOENT" && e.syscall === "mkdir" ? "EROFS?" : e.code;
  const known = code === undefined ? undefined : STATE_DIR_ERRNO[code];
  if (!known) return undefined;
  const root = kilnStateRoot(env);
  const paths = [e.path, e.dest].filter((p): p is string => typeof p === "string");
  const at = paths.find((p) => p === root || p.startsWith(root + path.sep));
  // a write through a file descriptor names no path: a full disk is still worth saying so
  const pathless = paths.length === 0 && (code === "ENOSPC" || code === "EDQUOT" || code === "EROFS");
  if (!at && !pathless) return undefined;
  return new KilnError(
    "ERR_KILN_STATE_DIR",
    `kiln cannot use its state folder ${root}: ${known.what} (${e.code}${at ? `, ${at}` : ""})`,
    { hint: known.hint(root, at ?? root), cause: error },
  );
}
