/**
 * On an engine without named build contexts (engine < 23) the Dev Containers CLI ships Feature
 * content in an image it always tags `dev_container_feature_content_temp`, then builds
 * `FROM dev_container_feature_content_temp`. Two such builds at once on one engine retag it under
 * each other, and one installs the other's Features or fails with "/tmp/build-features/<id>_<n>
 * not found" (seen when two kiln runs baked different devcontainers at the same time, and in CI
 * when a kiln bake met a `devcontainer up` of the real CLI). kiln runs these builds one at a time:
 * one lock file per user in the temp folder, waited for. Not one per endpoint: one engine has
 * many names (DOCKER_HOST unset or written out, a context, a docker CLI at another path), and
 * two names of one engine would not have excluded each other; a Features build on another engine
 * waiting its turn costs only time.
 */
import os from "node:os";
import path from "node:path";
import { KilnError } from "../../core/errors.js";
import { acquireLock, type LockHandle } from "../state/lock.js";

const WAIT_MS = 250;

/** the folder holding the lock (this user's, for every engine) */
export function contentImageLockDir(): string {
  const user = typeof process.getuid === "function" ? String(process.getuid()) : "user";
  return path.join(os.tmpdir(), `kiln-${user}`, "feature-content");
}

/** runs `work` holding the content-image lock; waits while another kiln holds it */
export async function withContentImageLock<T>(
  dir: string,
  signal: AbortSignal | undefined,
  work: () => Promise<T>,
  wait: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<T> {
  let lock: LockHandle | undefined;
  while (!lock) {
    try {
      lock = acquireLock(dir, { command: "devcontainer build (Features content image)" });
    } catch (error: unknown) {
      if (!(error instanceof KilnError && error.code === "ERR_KILN_LOCKED")) throw error;
      if (signal?.aborted) throw error;
      await wait(WAIT_MS);
    }
  }
  try {
    return await work();
  } finally {
    lock.release();
  }
}
