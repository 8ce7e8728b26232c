/**
 * Rewrites a service's short syntaxes into the long form before merging, as compose does,
 * so `build: ./app` in one file and `build: {target: x}` in the next merge cleanly.
 */
import { OverrideValue } from "./yaml-tree.js";

export type Dict = Record<string, unknown>;

export function isDict(value: unknown): value is Dict {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.getPrototypeOf(value) === Object.prototype
  );
}

/** `[K=V, K]` or `{K: V}` → `{K: "V", K: null}` (numbers and booleans become strings) */
export function toStringMap(value: unknown, separator = "="): unknown {
  const out: Record<string, string | null> = {};
  if (Array.isArray(value)) {
    for (const item of value) {
      if (typeof item !== "string") return value;
      const cut = item.indexOf(separator);
      if (cut < 0) out[item] = null;
      else out[item.slice(0, cut)] = item.slice(cut + 1);
    }
    return out;
  }
  if (isDict(value)) {
    for (const [k, v] of Object.entries(value))
      out[k] = v === null || v === undefined ? null : scalarString(v);
    return out;
  }
  return value;
}

/** a scalar as compose prints it; mappings and lists as JSON */
export function scalarString(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return String(v);
  return v === null || v === undefined ? "" : JSON.stringify(v);
}

export function canonicalService(service: Dict): Dict {
  // `key: !override value` is canonicalised inside its wrapper
  const wrapped = Object.keys(service).filter((k) => service[k] instanceof OverrideValue);
  const s: Dict = { ...service };
  for (const k of wrapped) s[k] = (service[k] as OverrideValue).value;
  const out = canonicalFields(s);
  for (const k of wrapped) if (k in out) out[k] = new OverrideValue(out[k]);
  return out;
}

function canonicalFields(s: Dict): Dict {
  if (typeof s.build === "string") s.build = { context: s.build };
  if (isDict(s.build)) s.build = canonicalBuild(s.build);
  if (typeof s.extends === "string") s.extends = { service: s.extends };
  if ("environment" in s) s.environment = toStringMap(s.environment);
  if ("labels" in s) s.labels = toStringMap(s.labels);
  if (Array.isArray(s.volumes))
    s.volumes = (s.volumes as unknown[]).map((v) => (typeof v === "string" ? shortVolume(v) : v));
  if (Array.isArray(s.depends_on)) {
    s.depends_on = Object.fromEntries(
      (s.depends_on as unknown[]).map((d) => [scalarString(d), { condition: "service_started" }]),
    );
  }
  if (Array.isArray(s.secrets))
    s.secrets = (s.secrets as unknown[]).map((x) => (typeof x === "string" ? { source: x } : x));
  if (Array.isArray(s.configs))
    s.configs = (s.configs as unknown[]).map((x) => (typeof x === "string" ? { source: x } : x));
  return s;
}

function canonicalBuild(build: Dict): Dict {
  const b: Dict = { ...build };
  if ("args" in b) b.args = toStringMap(b.args);
  if ("labels" in b) b.labels = toStringMap(b.labels);
  if ("additional_contexts" in b) b.additional_contexts = toStringMap(b.additional_contexts);
  if (Array.isArray(b.secrets))
    b.secrets = (b.secrets as unknown[]).map((x) => (typeof x === "string" ? { source: x } : x));
  if (isDict(b.ssh))
    b.ssh = Object.entries(b.ssh).map(([k, v]) => (v === null ? k : `${k}=${scalarString(v)}`));
  // `host:ip`, the form every docker client's --add-host accepts (compose v2 prints `host=ip`)
  if (isDict(b.extra_hosts))
    b.extra_hosts = Object.entries(b.extra_hosts).map(([k, v]) => `${k}:${scalarString(v)}`);
  return b;
}

/**
 * `[SOURCE:]TARGET[:MODE]` → the long form. A source starting with `.`, `/` or `~` is a bind
 * mount; otherwise a named volume. https://docs.docker.com/compose/compose-file/05-services/#short-syntax-5
 */
export function shortVolume(spec: string): Dict {
  const parts = spec.split(":");
  if (parts.length === 1) return { type: "volume", target: spec };
  const [source, target, mode] = parts as [string, string, string | undefined];
  const bind = source.startsWith(".") || source.startsWith("/") || source.startsWith("~");
  const out: Dict = { type: bind ? "bind" : "volume", source, target };
  const modes = (mode ?? "").split(",");
  if (modes.includes("ro")) out.read_only = true;
  if (bind) out.bind = { create_host_path: true };
  return out;
}
