/**
 * A test that runs the real Dev Containers CLI where it builds Features with `--buildkit never`
 * (its fixed `dev_container_feature_content_temp` image) takes the lock kiln takes for such builds
 * (src/adapters/devcontainer/content-image-lock.ts): a kiln bake in a test running alongside would
 * otherwise install that build's Features, or fail with "/tmp/build-features/<id> not found".
 */
import { contentImageLockDir } from "../../src/adapters/devcontainer/content-image-lock.js";
import { acquireLock, type LockHandle } from "../../src/adapters/state/lock.js";
import { KilnError } from "../../src/core/errors.js";

const pause = new Int32Array(new SharedArrayBuffer(4));

/** runs the synchronous `work` (a spawnSync of the CLI) holding the lock, waiting for it first */
export function withFeatureContentLock<T>(work: () => T, timeoutMs = 300_000): T {
  const until = Date.now() + timeoutMs;
  let lock: LockHandle | undefined;
  while (!lock) {
    try {
      lock = acquireLock(contentImageLockDir(), { command: "test: devcontainer CLI Features build" });
    } catch (error: unknown) {
      if (!(error instanceof KilnError && error.code === "ERR_KILN_LOCKED") || Date.now() > until)
        throw error;
      Atomics.wait(pause, 0, 0, 250);
    }
  }
  try {
    return work();
  } finally {
    lock.release();
  }
}
