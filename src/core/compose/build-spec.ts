/**
 * A service's merged `build:` mapping (paths already absolute) → the BuildSpec kiln builds from.
 */
import path from "node:path";
import { isDict, scalarString, type Dict } from "./canonical.js";
import type { Lookup } from "./interpolate.js";
import type { BuildSecret, BuildSpec } from "./model.js";
import { isRemoteContext } from "./paths.js";

function strings(value: unknown): string[] {
  return Array.isArray(value)
    ? (value as unknown[]).filter((v) => v !== null && v !== undefined).map(scalarString)
    : [];
}

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isDict(value))
    for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = scalarString(v);
  return out;
}

export function toBuildSpec(build: Dict, topSecrets: Dict, lookup: Lookup): BuildSpec {
  const context = typeof build.context === "string" ? build.context : ".";
  const remote = isRemoteContext(context);
  const inline = typeof build.dockerfile_inline === "string" ? build.dockerfile_inline : undefined;
  const dockerfileRaw = typeof build.dockerfile === "string" ? build.dockerfile : "Dockerfile";
  const args: Record<string, string | null> = {};
  if (isDict(build.args)) {
    for (const [k, v] of Object.entries(build.args))
      args[k] = v === null || v === undefined ? (lookup(k) ?? null) : scalarString(v);
  }
  const spec: BuildSpec = {
    context,
    contextIsRemote: remote,
    args,
    labels: stringMap(build.labels),
    extraHosts: strings(build.extra_hosts),
    secrets: buildSecrets(build.secrets, topSecrets),
    ssh: strings(build.ssh),
    additionalContexts: stringMap(build.additional_contexts),
    cacheFrom: strings(build.cache_from),
    cacheTo: strings(build.cache_to),
    noCache: build.no_cache === true,
    pull: build.pull === true,
    platforms: strings(build.platforms),
    tags: strings(build.tags),
  };
  if (inline !== undefined) spec.dockerfileInline = inline;
  else spec.dockerfile = remote ? dockerfileRaw : path.resolve(context, dockerfileRaw);
  if (typeof build.target === "string") spec.target = build.target;
  if (typeof build.network === "string") spec.network = build.network;
  if (typeof build.shm_size === "string" || typeof build.shm_size === "number") spec.shmSize = build.shm_size;
  return spec;
}

function buildSecrets(value: unknown, topSecrets: Dict): BuildSecret[] {
  if (!Array.isArray(value)) return [];
  const out: BuildSecret[] = [];
  for (const item of value) {
    if (!isDict(item) || typeof item.source !== "string") continue;
    const def = topSecrets[item.source];
    const id = typeof item.target === "string" ? item.target : item.source;
    if (isDict(def) && typeof def.file === "string") out.push({ id, source: { file: def.file } });
    else if (isDict(def) && typeof def.environment === "string")
      out.push({ id, source: { environment: def.environment } });
  }
  return out;
}
