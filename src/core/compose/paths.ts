/**
 * Makes the relative paths of a service absolute against a base directory: the project
 * directory for `-f` files, the declaring file's folder for `extends: {file}` and `include`.
 * Already absolute paths are left alone, so applying it twice is harmless.
 */
import path from "node:path";
import { isDict, type Dict } from "./canonical.js";

const REMOTE = /^(?:[a-z][a-z0-9+.-]*:\/\/|git@|github\.com\/)/i;

export function isRemoteContext(context: string): boolean {
  return REMOTE.test(context);
}

export function resolveHostPath(p: string, baseDir: string, home: string | undefined): string {
  if (p === "~" || p.startsWith("~/")) return path.join(home ?? "~", p.slice(1));
  return path.resolve(baseDir, p);
}

export function resolveServicePaths(service: Dict, baseDir: string, home: string | undefined): Dict {
  const s: Dict = { ...service };
  if (isDict(s.build)) {
    const b: Dict = { ...s.build };
    const context = typeof b.context === "string" ? b.context : ".";
    if (!isRemoteContext(context)) b.context = resolveHostPath(context, baseDir, home);
    if (isDict(b.additional_contexts)) {
      const extra: Dict = {};
      for (const [k, v] of Object.entries(b.additional_contexts)) {
        extra[k] =
          typeof v === "string" &&
          !isRemoteContext(v) &&
          !/^(docker-image|service|oci-layout|target):/.test(v)
            ? resolveHostPath(v, baseDir, home)
            : v;
      }
      b.additional_contexts = extra;
    }
    s.build = b;
  }
  if (Array.isArray(s.volumes)) {
    s.volumes = (s.volumes as unknown[]).map((v) =>
      isDict(v) && v.type === "bind" && typeof v.source === "string"
        ? { ...v, source: resolveHostPath(v.source, baseDir, home) }
        : v,
    );
  }
  if (typeof s.env_file === "string") s.env_file = resolveHostPath(s.env_file, baseDir, home);
  else if (Array.isArray(s.env_file)) {
    s.env_file = (s.env_file as unknown[]).map((e) =>
      typeof e === "string"
        ? resolveHostPath(e, baseDir, home)
        : isDict(e) && typeof e.path === "string"
          ? { ...e, path: resolveHostPath(e.path, baseDir, home) }
          : e,
    );
  }
  return s;
}

/** top-level `secrets:`/`configs:` with `file:` */
export function resolveFileResources(resources: unknown, baseDir: string, home: string | undefined): unknown {
  if (!isDict(resources)) return resources;
  const out: Dict = {};
  for (const [k, v] of Object.entries(resources)) {
    out[k] =
      isDict(v) && typeof v.file === "string" ? { ...v, file: resolveHostPath(v.file, baseDir, home) } : v;
  }
  return out;
}
