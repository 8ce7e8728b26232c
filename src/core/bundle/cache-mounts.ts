/**
 * The BuildKit cache mounts a bundle carries: every `RUN --mount=type=cache` of the selected
 * services' Dockerfiles, once per cache id, with the baked image a helper build can run in.
 */
import type { ProjectModel } from "../compose/model.js";
import { buildModel } from "../lint/dockerfile-model.js";
import { cacheId } from "../lint/mounts.js";

export interface CacheMountRef {
  id: string;
  sharing?: string;
  /** the image the helper build runs in: the baked image of a service that mounts it */
  image: string;
  service: string;
}

/** every cache mount of the selected services' Dockerfiles, once per id (`dockerfileText`: undefined when unreadable) */
export function cacheMountsIn(
  model: ProjectModel,
  services: { service: string; imageRef: string }[],
  dockerfileText: (file: string) => string | undefined,
): CacheMountRef[] {
  const out = new Map<string, CacheMountRef>();
  for (const s of services) {
    const build = model.services.find((x) => x.name === s.service)?.build;
    if (!build) continue;
    const text = build.dockerfileInline ?? dockerfileText(build.dockerfile ?? "");
    if (text === undefined) continue;
    for (const stage of buildModel(text).stages) {
      for (const step of stage.steps) {
        if (step.kind !== "run") continue;
        for (const m of step.mounts) {
          if (m.type !== "cache") continue;
          const id = cacheId(m);
          if (id === undefined || out.has(id)) continue;
          out.set(id, {
            id,
            ...(m.sharing ? { sharing: m.sharing } : {}),
            image: s.imageRef,
            service: s.service,
          });
        }
      }
    }
  }
  return [...out.values()];
}
