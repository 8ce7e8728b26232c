/**
 * `RUN --mount=…` options, read the way BuildKit reads them (CSV of key=value; `target`,
 * `dst` and `destination` are one key; the type defaults to bind).
 */
import { expand, type Scope } from "./variables.js";

export interface Mount {
  type: string;
  /** the target after variable expansion, without a trailing slash */
  target?: string;
  id?: string;
  sharing?: string;
  source?: string;
  from?: string;
  uid?: string;
  gid?: string;
}

const ALIASES: Record<string, keyof Mount> = {
  type: "type",
  target: "target",
  dst: "target",
  destination: "target",
  id: "id",
  sharing: "sharing",
  source: "source",
  src: "source",
  from: "from",
  uid: "uid",
  gid: "gid",
};

const NORMAL = /^\/(?:[^/.][^/]*|\.[^/.][^/]*|\.\.[^/]+)(?:\/(?:[^/.][^/]*|\.[^/.][^/]*|\.\.[^/]+))*$/;

export function normalizePath(p: string): string {
  if (p === "/" || NORMAL.test(p)) return p;
  const parts: string[] = [];
  for (const part of p.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return `/${parts.join("/")}`;
}

export function parseMount(value: string, scope: Scope, workdir: string): Mount {
  const mount: Mount = { type: "bind" };
  for (const field of value.split(",")) {
    const eq = field.indexOf("=");
    const key = (eq === -1 ? field : field.slice(0, eq)).trim().toLowerCase();
    const raw =
      eq === -1
        ? ""
        : field
            .slice(eq + 1)
            .trim()
            .replace(/^(["'])(.*)\1$/, "$2");
    const name = ALIASES[key];
    if (name === undefined) continue;
    const v = expand(raw, scope);
    if (name === "target") mount.target = normalizePath(v.startsWith("/") ? v : `${workdir}/${v}`);
    else mount[name] = v;
  }
  return mount;
}

/** the cache id BuildKit uses: `id=` or else the target */
export function cacheId(m: Mount): string | undefined {
  return m.id !== undefined && m.id !== "" ? m.id : m.target;
}

/** true when a cache mount at `mountTarget` holds `dir` (same dir or an ancestor) */
export function covers(mountTarget: string, dir: string): boolean {
  return mountTarget === dir || mountTarget === "/" || dir.startsWith(`${mountTarget}/`);
}
