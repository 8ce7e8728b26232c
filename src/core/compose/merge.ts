/**
 * Merges a later compose file (or an `extends` service) over an earlier one, following the
 * rules of the reference implementation (compose v2): mappings merge, scalars replace,
 * `command`/`entrypoint`/`healthcheck.test` replace, service `volumes` merge by target,
 * `secrets`/`configs` by source, `ports` by value, other sequences append; `!reset` removes
 * and `!override` replaces. https://github.com/compose-spec/compose-spec/blob/main/13-merge.md
 */
import { isDict, scalarString, type Dict } from "./canonical.js";
import { OverrideValue, RESET } from "./yaml-tree.js";

const REPLACE_IN_SERVICE = new Set(["command", "entrypoint"]);
const KEYED_IN_SERVICE: Record<string, (item: unknown) => string> = {
  volumes: (v) => (isDict(v) ? scalarString(v.target) : scalarString(v)),
  secrets: (v) => (isDict(v) ? scalarString(v.source) : scalarString(v)),
  configs: (v) => (isDict(v) ? scalarString(v.source) : scalarString(v)),
  ports: (v) => JSON.stringify(v),
};

/** merges `override` over `base` at `path` (keys from the top: ["services", "web", …]) */
export function mergeValue(baseIn: unknown, override: unknown, path: readonly string[]): unknown {
  if (override === RESET) return undefined;
  if (override instanceof OverrideValue) return stripMarkers(override.value);
  // markers where nothing was underneath stay until stripMarkers runs on the result
  const base = baseIn instanceof OverrideValue ? baseIn.value : baseIn === RESET ? undefined : baseIn;
  if (base === undefined || base === null) return override;
  if (override === null || override === undefined) return base;
  const inService = path.length === 3 && path[0] === "services";
  const key = path[path.length - 1] ?? "";
  if (inService && REPLACE_IN_SERVICE.has(key)) return stripMarkers(override);
  if (path.length === 4 && path[0] === "services" && path[2] === "healthcheck" && key === "test")
    return stripMarkers(override);
  if (isDict(base) && isDict(override)) return mergeDicts(base, override, path);
  if (Array.isArray(base) && Array.isArray(override)) {
    const keyOf = inService ? KEYED_IN_SERVICE[key] : undefined;
    const items = (override as unknown[]).map(stripMarkers);
    return keyOf ? mergeKeyed(base as unknown[], items, keyOf) : [...(base as unknown[]), ...items];
  }
  return stripMarkers(override);
}

export function mergeDicts(base: Dict, override: Dict, path: readonly string[]): Dict {
  const out: Dict = { ...base };
  for (const [k, v] of Object.entries(override)) {
    const merged = mergeValue(base[k], v, [...path, k]);
    if (merged === undefined) delete out[k];
    else out[k] = merged;
  }
  return out;
}

/** compose writes a keyed merge back sorted by key */
function mergeKeyed(base: unknown[], override: unknown[], keyOf: (item: unknown) => string): unknown[] {
  const byKey = new Map<string, unknown>();
  for (const item of base) byKey.set(keyOf(item), item);
  for (const item of override) {
    const k = keyOf(item);
    const prev = byKey.get(k);
    byKey.set(k, isDict(prev) && isDict(item) ? mergeDicts(prev, item, []) : item);
  }
  return [...byKey.keys()].sort().map((k) => byKey.get(k));
}

/** drops `!reset` values and unwraps `!override` where nothing was underneath */
export function stripMarkers(value: unknown): unknown {
  if (value === RESET) return undefined;
  if (value instanceof OverrideValue) return stripMarkers(value.value);
  if (Array.isArray(value)) return (value as unknown[]).map(stripMarkers).filter((v) => v !== undefined);
  if (isDict(value)) {
    const out: Dict = {};
    for (const [k, v] of Object.entries(value)) {
      const s = stripMarkers(v);
      if (s !== undefined) out[k] = s;
    }
    return out;
  }
  return value;
}
