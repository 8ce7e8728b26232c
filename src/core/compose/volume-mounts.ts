/**
 * Named volumes with the names the engine knows them by, and each service's mounts.
 */
import { KilnError } from "../errors.js";
import { isDict, scalarString, type Dict } from "./canonical.js";
import type { ServiceMount, VolumeModel } from "./model.js";

export function toVolumeModels(volumes: unknown, project: string): Record<string, VolumeModel> {
  const out: Record<string, VolumeModel> = {};
  if (!isDict(volumes)) return out;
  for (const [key, raw] of Object.entries(volumes)) {
    const v: Dict = isDict(raw) ? raw : {};
    const externalRaw = v.external;
    const external = externalRaw === true || isDict(externalRaw);
    const legacyExternalName =
      isDict(externalRaw) && typeof externalRaw.name === "string" ? externalRaw.name : undefined;
    const explicit = typeof v.name === "string" ? v.name : legacyExternalName;
    const model: VolumeModel = {
      key,
      engineName: explicit ?? (external ? key : `${project}_${key}`),
      external,
      explicitName: explicit !== undefined,
      labels: labelsOf(v.labels),
    };
    if (typeof v.driver === "string") model.driver = v.driver;
    out[key] = model;
  }
  return out;
}

function labelsOf(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(value)) {
    for (const item of value) {
      const s = scalarString(item);
      const cut = s.indexOf("=");
      out[cut < 0 ? s : s.slice(0, cut)] = cut < 0 ? "" : s.slice(cut + 1);
    }
  } else if (isDict(value))
    for (const [k, v] of Object.entries(value)) out[k] = v === null ? "" : scalarString(v);
  return out;
}

const TYPES = new Set(["volume", "bind", "tmpfs", "npipe", "cluster"]);

export function toMounts(volumes: unknown): ServiceMount[] {
  if (!Array.isArray(volumes)) return [];
  const out: ServiceMount[] = [];
  for (const v of volumes) {
    if (!isDict(v) || typeof v.target !== "string") continue;
    const type = (TYPES.has(String(v.type)) ? v.type : "volume") as ServiceMount["type"];
    const mount: ServiceMount = { type, target: v.target, readOnly: v.read_only === true };
    if (typeof v.source === "string" && v.source !== "") mount.source = v.source;
    out.push(mount);
  }
  return out;
}

/** compose refuses a service that mounts a named volume the file does not declare */
export function checkVolumeRefs(
  service: string,
  mounts: ServiceMount[],
  declared: Record<string, VolumeModel>,
  location: string,
): void {
  for (const m of mounts) {
    if (m.type === "volume" && m.source !== undefined && !(m.source in declared)) {
      throw new KilnError(
        "ERR_KILN_COMPOSE_INVALID",
        `service "${service}" refers to undefined volume ${m.source}`,
        {
          location,
          hint: `declare it under the top-level \`volumes:\` (e.g. \`volumes: { ${m.source}: {} }\`)`,
        },
      );
    }
  }
}
