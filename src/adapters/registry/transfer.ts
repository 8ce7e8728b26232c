/**
 * Moving baked images between the engine and the registry. The daemon does the transfer
 * (`docker pull` / `docker push` through the detected client, so DOCKER_HOST, --context and
 * docker's credential store apply unchanged); kiln checks labels and names the images.
 *
 * A pulled image is tagged with its LOCAL content-tagged name (`<repo>:kiln-<fp12>`) and that
 * is what gets pinned: the compose file never names the registry, so a teammate without
 * access to it (or an air-gapped machine fed by a bundle) reads the same pin, and a missing
 * image fails with kiln's hint instead of a pull from somewhere unexpected.
 */
import { KilnError } from "../../core/errors.js";
import { LABEL, imageRepo, imageTag } from "../../core/image-ref.js";
import type { PlanTarget } from "../../core/plan/plan.js";
import { registryLatestRef, registryRef, type RegistryLocation } from "../../core/registry/registry-ref.js";
import type { DockerClient } from "../engine/client.js";
import type { Engine } from "../engine/engine-types.js";
import { ProcessError, runProcess, type ProcessRunner } from "../process-runner.js";

export interface TransferOptions {
  client: DockerClient;
  engine: Engine;
  registry: RegistryLocation;
  signal?: AbortSignal;
  runner?: ProcessRunner;
}

async function docker(args: string[], options: TransferOptions, what: string): Promise<void> {
  try {
    await (options.runner ?? runProcess)([...options.client.argv, ...args], {
      env: options.client.env,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error: unknown) {
    if (!(error instanceof ProcessError)) throw error;
    const tail = error.stderrTail.trim().split("\n").slice(-3).join("\n");
    const denied = /unauthorized|denied|authentication required|no basic auth/i.test(tail);
    throw new KilnError("ERR_KILN_REGISTRY", `${what} failed: ${tail}`, {
      cause: error,
      hint: denied
        ? `log in with \`docker login ${options.registry.host}\` (kiln uses docker's credential store)`
        : `check that the registry ${options.registry.host} runs and is reachable from the engine`,
    });
  }
}

/** pulls the service's baked image, verifies its fingerprint label, tags it with the local names */
export async function pullBaked(target: PlanTarget, options: TransferOptions): Promise<string> {
  const ref = registryRef(options.registry, target.service, target.fingerprint);
  await docker(["pull", "--quiet", ref], options, `docker pull ${ref}`);
  const img = await options.engine.imageInspect(ref);
  if (!img)
    throw new KilnError("ERR_KILN_REGISTRY", `docker pull ${ref} left no image on the engine`, {
      hint: "run kiln pull again; docker image ls shows what the engine holds",
    });
  const label = img.labels[LABEL.fingerprint];
  if (label !== target.fingerprint) {
    await options.engine.removeImage(ref).catch(() => undefined);
    throw new KilnError(
      "ERR_KILN_REGISTRY",
      `${ref} carries fingerprint ${label ?? "(none)"}, not ${target.service}'s ${target.fingerprint}`,
      { hint: "the registry tag was overwritten; kiln builds the service instead" },
    );
  }
  const repo = imageRepo(target.imageName);
  for (const name of new Set([target.imageRef, `${repo}:${imageTag(target.imageName)}`]))
    await options.engine.tagImage(img.id, name);
  // the registry name stays off the engine: only kiln's local names refer to the image
  await options.engine.removeImage(ref).catch(() => undefined);
  return img.id;
}

/** pushes the service's content-tagged image as `…:kiln-<fp12>` and `…:kiln-latest` */
export async function pushBaked(target: PlanTarget, options: TransferOptions): Promise<string> {
  const img = await options.engine.imageInspect(target.imageRef);
  if (!img || img.labels[LABEL.fingerprint] !== target.fingerprint) {
    throw new KilnError(
      "ERR_KILN_IMAGE_MISSING",
      `${target.service} is not baked: no image ${target.imageRef}`,
      {
        hint: `run \`kiln bake ${target.service}\` (or \`kiln build\`) first`,
      },
    );
  }
  const refs = [
    registryRef(options.registry, target.service, target.fingerprint),
    registryLatestRef(options.registry, target.service),
  ];
  try {
    for (const ref of refs) {
      await options.engine.tagImage(img.id, ref);
      await docker(["push", "--quiet", ref], options, `docker push ${ref}`);
    }
  } finally {
    for (const ref of refs) await options.engine.removeImage(ref).catch(() => undefined);
  }
  return refs[0] ?? "";
}
