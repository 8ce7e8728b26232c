/**
 * The processes `kiln bundle` runs besides the cache-mount helpers: `docker save` / `docker load`
 * through the build client, and `tar` to pack and unpack the bundle (argument arrays only).
 */
import type { DockerClient } from "../engine/client.js";
import { runProcess } from "../process-runner.js";

export async function saveImages(
  client: DockerClient,
  refs: string[],
  file: string,
  signal?: AbortSignal,
): Promise<void> {
  await runProcess([...client.argv, "save", "-o", file, ...refs], {
    env: client.env,
    ...(signal ? { signal } : {}),
  });
}

export async function loadImages(client: DockerClient, file: string, signal?: AbortSignal): Promise<void> {
  await runProcess([...client.argv, "load", "-q", "-i", file], {
    env: client.env,
    ...(signal ? { signal } : {}),
  });
}

/** `members` of `dir` in a tar at `file` */
export async function packTar(dir: string, members: string[], file: string): Promise<void> {
  await runProcess(["tar", "-cf", file, "-C", dir, ...members]);
}

export async function unpackTar(file: string, dir: string): Promise<void> {
  await runProcess(["tar", "-xf", file, "-C", dir]);
}
