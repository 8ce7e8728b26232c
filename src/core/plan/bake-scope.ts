/**
 * Which services a bake is about. A devcontainer bake builds what the devcontainer starts: the
 * Dev Containers CLI runs `compose build` and `compose up -d` on `runServices` + `service` (all
 * services when `runServices` is absent), and compose also starts what those depend on
 * (`depends_on`, `links`, `network_mode: service:…`, `volumes_from`). Others are built only
 * when named on the command line or with `--all`.
 */
import type { ProjectModel } from "../compose/model.js";
import type { CauseCode } from "./cause.js";

export interface BakeScope {
  /** the services the bake selects (before "needed by" upgrades for FROM dependencies) */
  wanted: Set<string>;
  /** the skip cause of a buildable service outside `wanted` */
  skipCause: Extract<CauseCode, "not-selected" | "not-started">;
}

/** runServices + service + what compose starts with them; undefined = every service */
export function devcontainerStarted(model: ProjectModel): Set<string> | undefined {
  const dc = model.devcontainer;
  if (!dc?.runServices || dc.runServices.length === 0) return undefined;
  const byName = new Map(model.services.map((s) => [s.name, s]));
  const out = new Set<string>();
  const todo = [...dc.runServices, ...(dc.service ? [dc.service] : [])];
  while (todo.length > 0) {
    const name = todo.pop()!;
    if (out.has(name)) continue;
    out.add(name);
    const svc = byName.get(name);
    if (svc) todo.push(...svc.dependsOn, ...(svc.startsWith ?? []));
  }
  return out;
}

export function bakeScope(model: ProjectModel, selected: readonly string[], all = false): BakeScope {
  const buildable = model.services.filter((s) => s.build !== undefined).map((s) => s.name);
  if (selected.length > 0) return { wanted: new Set(selected), skipCause: "not-selected" };
  const started = all ? undefined : devcontainerStarted(model);
  if (!started) return { wanted: new Set(buildable), skipCause: "not-selected" };
  return { wanted: new Set(buildable.filter((s) => started.has(s))), skipCause: "not-started" };
}
