/**
 * The bake plan: a plain value saying, for every buildable service, what kiln will do and why —
 * printed by `--dry-run --json` and unit-tested without Docker. Docker arguments come later.
 */
import { BUG_HINT, KilnError } from "../errors.js";
import type { ProjectModel, ServiceModel } from "../compose/model.js";
import { contentRef } from "../image-ref.js";
import { bakeScope } from "./bake-scope.js";
import { stageHashes, type DevcontainerLayers } from "../devcontainer/layers.js";
import { changeCause, isFreshCause, type PlanCause } from "./cause.js";
import type { InputChange } from "../fingerprint/explain.js";

export type PlanAction = "build" | "skip" | "pull";
export type PlanMode = "bake" | "build" | "rebuild";

/** the part of a fingerprint manifest the plan reads */
export interface ManifestLike {
  hash: string;
  dependsOnServices: Record<string, string>;
  baseImages: Record<string, string | null>;
  devcontainer?: DevcontainerLayers;
  reads?: { sources?: string[]; whole: string[] };
}

/** a devcontainer service's stages on top of its build; the target's fingerprint is the last one's */
export interface PlanStages {
  service: { fingerprint: string; imageRef: string };
  /** installed by the Dev Containers CLI, in this order */
  features?: { fingerprint: string; imageRef: string; order: string[] };
  /** the CLI's UID layer for the local user */
  uid?: { fingerprint: string; imageRef: string; uid: number; gid: number };
}

export interface PlanTarget {
  service: string;
  /** the image name compose uses for the service (`image:` or the default name) */
  imageName: string;
  /** the content-tagged reference kiln builds and pins: `<repo>:kiln-<12 hex>` */
  imageRef: string;
  fingerprint: string;
  action: PlanAction;
  /** why, as data (src/report/plan-reason.ts puts it in words) */
  cause: PlanCause;
  /** what the fingerprint reads from the context: source patterns, or why the whole of it */
  reads?: { sources?: string[]; whole: string[] };
  /** services whose image this one is built FROM */
  dependsOn: string[];
  /** base images that are not on the engine (a build would try to pull them) */
  missingBaseImages: string[];
  context: string;
  dockerfile?: string;
  target?: string;
  stages?: PlanStages;
}

export interface Plan {
  project: string;
  /** the compose files the plan was made from */
  files: string[];
  mode: PlanMode;
  targets: PlanTarget[];
  /** build order: each level depends only on earlier levels */
  levels: string[][];
}

export interface PlanInput {
  model: ProjectModel;
  mode: PlanMode;
  /** services named on the command line; empty = all buildable */
  selected: string[];
  manifests: Map<string, ManifestLike>;
  /** fingerprints for which an image exists on the engine */
  freshFingerprints: Set<string>;
  /** what changed since the service was last built, when known (inputChanges) */
  changes: Map<string, InputChange[]>;
  noCache?: boolean;
  /** --all: every buildable service, also those the devcontainer does not start */
  all?: boolean;
  /** a registry was asked: the fingerprints whose baked image it holds (label verified) */
  registry?: { name: string; fingerprints: Set<string> };
}

export function buildableServices(model: ProjectModel): ServiceModel[] {
  return model.services.filter((s) => s.build !== undefined);
}

export function checkSelection(model: ProjectModel, selected: string[]): void {
  for (const name of selected) {
    const svc = model.allServices.find((s) => s.name === name);
    if (!svc) {
      const known = model.allServices.map((s) => s.name).join(", ");
      throw new KilnError("ERR_KILN_UNKNOWN_SERVICE", `no service "${name}" in project ${model.name}`, {
        hint: `services: ${known || "(none)"}; check the name or the -f files / --profile`,
      });
    }
    if (!svc.build) {
      throw new KilnError(
        "ERR_KILN_NOT_BUILDABLE",
        `service "${name}" has no build: section (it only pulls ${svc.imageName})`,
        {
          hint: "select a service with a build: section, or omit the name to bake every buildable service",
        },
      );
    }
  }
}

/** the target's image is on the engine for its current fingerprint */
export function isFresh(target: { action: PlanAction; cause: PlanCause }): boolean {
  return target.action === "skip" && isFreshCause(target.cause);
}

export function makePlan(input: PlanInput): Plan {
  const { model, mode } = input;
  checkSelection(model, input.selected);
  const buildable = buildableServices(model);
  const scope = bakeScope(model, input.selected, input.all);
  const wanted = scope.wanted;
  const targets = new Map<string, PlanTarget>();

  for (const svc of buildable) {
    const manifest = input.manifests.get(svc.name);
    if (!manifest)
      throw new KilnError("ERR_KILN_INTERNAL", `no fingerprint for service ${svc.name}`, { hint: BUG_HINT });
    const fresh = input.freshFingerprints.has(manifest.hash);
    let action: PlanAction;
    let cause: PlanCause;
    if (!wanted.has(svc.name)) {
      action = "skip";
      cause = { code: scope.skipCause, fresh };
    } else if (mode === "rebuild") {
      action = "build";
      cause = { code: "forced", forced: "rebuild" };
    } else if (input.noCache) {
      action = "build";
      cause = { code: "forced", forced: "no-cache" };
    } else if (fresh) {
      action = "skip";
      cause = { code: "fresh" };
    } else if (input.registry?.fingerprints.has(manifest.hash)) {
      action = "pull";
      cause = { code: "registry-hit", registry: input.registry.name };
    } else {
      action = "build";
      cause = changeCause(input.changes.get(svc.name));
    }
    targets.set(svc.name, {
      service: svc.name,
      imageName: svc.imageName,
      imageRef: contentRef(svc.imageName, manifest.hash),
      fingerprint: manifest.hash,
      action,
      cause,
      ...(manifest.reads ? { reads: manifest.reads } : {}),
      dependsOn: Object.keys(manifest.dependsOnServices).filter((d) => d !== svc.name),
      missingBaseImages: Object.entries(manifest.baseImages)
        .filter(([, id]) => id === null)
        .map(([ref]) => ref),
      context: svc.build?.context ?? "",
      ...(svc.build?.dockerfile ? { dockerfile: svc.build.dockerfile } : {}),
      ...(svc.build?.target ? { target: svc.build.target } : {}),
      ...(manifest.devcontainer ? { stages: planStages(svc.imageName, manifest.devcontainer) } : {}),
    });
  }

  // A selected service built FROM a stale one needs that one built first.
  let changed = true;
  while (changed) {
    changed = false;
    for (const t of targets.values()) {
      if (t.action !== "build") continue;
      for (const dep of t.dependsOn) {
        const d = targets.get(dep);
        if (d && d.action === "skip" && !input.freshFingerprints.has(d.fingerprint)) {
          if (input.registry?.fingerprints.has(d.fingerprint)) {
            d.action = "pull";
            d.cause = { code: "registry-hit", registry: input.registry.name, neededBy: t.service };
            continue;
          }
          d.action = "build";
          d.cause = { ...changeCause(input.changes.get(dep)), neededBy: t.service };
          changed = true;
        }
      }
    }
  }

  return {
    project: model.name,
    files: model.files,
    mode,
    targets: [...targets.values()],
    levels: levelsOf([...targets.values()]),
  };
}

export function planStages(imageName: string, layers: DevcontainerLayers): PlanStages {
  const h = stageHashes(layers);
  return {
    service: { fingerprint: layers.serviceHash, imageRef: contentRef(imageName, layers.serviceHash) },
    ...(layers.features && h.features
      ? {
          features: {
            fingerprint: h.features,
            imageRef: contentRef(imageName, h.features),
            order: layers.features.order,
          },
        }
      : {}),
    ...(layers.uid && h.uid
      ? {
          uid: {
            fingerprint: h.uid,
            imageRef: contentRef(imageName, h.uid),
            uid: layers.uid.uid,
            gid: layers.uid.gid,
          },
        }
      : {}),
  };
}

function levelsOf(targets: PlanTarget[]): string[][] {
  const remaining = new Map(
    targets.map((t) => [t.service, new Set(t.dependsOn.filter((d) => targets.some((x) => x.service === d)))]),
  );
  const levels: string[][] = [];
  while (remaining.size > 0) {
    const ready = [...remaining.entries()].filter(([, deps]) => deps.size === 0).map(([name]) => name);
    if (ready.length === 0) {
      throw new KilnError(
        "ERR_KILN_COMPOSE_INVALID",
        `services build FROM each other in a cycle: ${[...remaining.keys()].join(", ")}`,
        {
          hint: "break the cycle: a service cannot be built FROM an image that is built FROM it",
        },
      );
    }
    levels.push(ready);
    for (const name of ready) remaining.delete(name);
    for (const deps of remaining.values()) for (const name of ready) deps.delete(name);
  }
  return levels;
}
