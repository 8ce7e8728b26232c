/**
 * A Buildah 1.28 (Podman 4.3) hang, measured on this machine: after a RUN with two or more
 * `sharing=locked` cache mounts, only the last mount's lock is released, so a later RUN of the
 * same build that locks one of the others waits forever (RUN a+b locked → RUN a locked: hangs;
 * RUN a locked → RUN a+b: fine; RUN a+b → RUN c: fine). kiln refuses such a Dockerfile on
 * Podman before building instead of hanging (see docs/engines.md).
 */
import { KilnError } from "../errors.js";
import { buildModel } from "../lint/dockerfile-model.js";
import { cacheId } from "../lint/mounts.js";

export interface LockHazard {
  id: string;
  /** 1-based lines of the RUN that keeps the lock and of the RUN that would wait for it */
  heldAt: number;
  waitsAt: number;
}

export function podmanLockHazard(dockerfile: string): LockHazard | undefined {
  const held = new Map<string, number>();
  for (const stage of buildModel(dockerfile).stages) {
    for (const step of stage.steps) {
      if (step.kind !== "run") continue;
      const locked = step.mounts
        .filter((m) => m.type === "cache" && m.sharing === "locked")
        .map(cacheId)
        .filter((id): id is string => id !== undefined);
      for (const id of locked) {
        const at = held.get(id);
        if (at !== undefined) return { id, heldAt: at, waitsAt: step.line };
      }
      // every locked mount but the last stays locked for the rest of the build
      for (const id of locked.slice(0, -1)) if (!held.has(id)) held.set(id, step.line);
    }
  }
  return undefined;
}

export function podmanLockRefusal(dockerfile: string, file: string): KilnError | undefined {
  const h = podmanLockHazard(dockerfile);
  if (!h) return undefined;
  return new KilnError(
    "ERR_KILN_ENGINE_UNSUPPORTED",
    `podman build (Buildah 1.28) would hang on ${file}:${h.waitsAt}: the RUN at line ${h.heldAt} locks several sharing=locked cache mounts and Buildah releases only the last one, so the cache mount ${h.id} stays locked`,
    {
      location: `${file}:${h.waitsAt}`,
      hint: "on Podman, give each RUN at most one sharing=locked cache mount (make the others sharing=shared, the default), or build on Docker",
    },
  );
}
