/**
 * #15.2: where a build reads its whole context, the files in it that change often and that an
 * image never needs — the devcontainer's config (edited for ports and extensions), folders bind
 * mounted into containers (they write there) — each with the .dockerignore line that would stop
 * them from making the service stale. Advice only: with `COPY . …` the image does contain them.
 *
 * Files the devcontainer's `initializeCommand` writes (it runs on the host, in the workspace
 * folder, before every start): kiln does not run it, it reads the command's words — the target
 * of a `>`/`>>` redirection, the operands of `touch`/`tee`/`mkdir`, the last operand of
 * `cp`/`mv`/`ln` — and names those that lie inside the context and are in it now. A command that writes through a
 * script or a variable is not seen.
 *
 * `unreadLines` keeps the lines the build provably does not read (`kiln doctor --fix` writes
 * only those): the build names its sources (the whole context counts only for an ONBUILD
 * declaration, whose triggers run in child builds) and no source matches the path.
 */
import path from "node:path";
import type { ProjectModel, ServiceModel } from "../compose/model.js";
import { namedSourcesBesidesOnbuild, ReadSet, type ReadsOptions } from "../fingerprint/build-reads.js";

export interface IgnoreSuggestion {
  /** context-relative path */
  path: string;
  why: string;
  /** the line to add to the context's .dockerignore */
  line: string;
}

export function ignoreSuggestions(
  model: ProjectModel,
  service: ServiceModel,
  manifest: { files: Record<string, string>; reads?: { whole: string[] } },
): IgnoreSuggestion[] {
  const build = service.build;
  if (!build || build.contextIsRemote || !manifest.reads || manifest.reads.whole.length === 0) return [];
  const inContext = (abs: string): string | undefined => {
    const rel = path.relative(build.context, abs).split(path.sep).join("/");
    return rel === "" || rel.startsWith("..") || path.isAbsolute(rel) ? undefined : rel;
  };
  const out = new Map<string, IgnoreSuggestion>();
  for (const rel of Object.keys(manifest.files)) {
    const base = rel.slice(rel.lastIndexOf("/") + 1);
    if (base === "devcontainer.json" || base === ".devcontainer.json") {
      out.set(rel, {
        path: rel,
        why: "the devcontainer's config: edited for ports and extensions, never needed inside the image",
        line: rel,
      });
    }
  }
  const dc = model.devcontainer;
  if (dc) {
    for (const word of writtenPaths(dc.config.initializeCommand)) {
      const rel = inContext(path.resolve(dc.workspaceFolder, word));
      // only what is in the context now (absent: not written yet, or already ignored)
      if (rel === undefined || out.has(rel) || !(rel in manifest.files)) continue;
      const isDir = manifest.files[rel].startsWith("d");
      out.set(rel, {
        path: rel,
        why: "written by the devcontainer's initializeCommand on the host before every start",
        line: isDir ? `${rel}/` : rel,
      });
    }
  }
  for (const svc of model.services) {
    for (const mount of svc.volumes) {
      if (mount.type !== "bind" || mount.source === undefined) continue;
      const rel = inContext(mount.source);
      if (rel === undefined || !(rel in manifest.files)) continue;
      out.set(rel, {
        path: rel,
        why: `bind mounted into ${svc.name} at ${mount.target}: written at run time, a build does not need it`,
        line: manifest.files[rel].startsWith("d") ? `${rel}/` : rel,
      });
    }
  }
  return [...out.values()].sort((a, b) => a.path.localeCompare(b.path));
}

/** the suggestions whose paths the build provably does not read (see the header) */
export function unreadLines(
  suggestions: IgnoreSuggestion[],
  dockerfile: string,
  options: ReadsOptions,
): IgnoreSuggestion[] {
  const sources = namedSourcesBesidesOnbuild(dockerfile, options);
  if (sources === undefined) return [];
  const reads = new ReadSet(sources);
  return suggestions.filter((s) => !reads.wants(s.path));
}

const WRITERS = new Set(["touch", "tee", "mkdir"]);
const MOVERS = new Set(["cp", "mv", "ln"]);

/** the paths an initializeCommand (string, array or object of them) visibly writes */
export function writtenPaths(command: unknown): string[] {
  const commands: unknown[] =
    command !== null && typeof command === "object" && !Array.isArray(command)
      ? Object.values(command)
      : [command];
  const out: string[] = [];
  for (const c of commands) {
    const words =
      typeof c === "string"
        ? (c.match(/[;&|]+|\d?>>?|[^\s;&|>]+/g) ?? [])
        : Array.isArray(c)
          ? c.filter((w): w is string => typeof w === "string")
          : [];
    // split into simple commands at ; & | and read each one's words
    let simple: string[] = [];
    const flush = () => {
      const argv = simple.filter((w) => !w.startsWith("-"));
      const name = argv[0]?.slice(argv[0].lastIndexOf("/") + 1);
      if (name && WRITERS.has(name)) out.push(...argv.slice(1));
      else if (name && MOVERS.has(name) && argv.length >= 3) out.push(argv[argv.length - 1]);
      simple = [];
    };
    for (let i = 0; i < words.length; i++) {
      const w = words[i];
      if (/^[;&|]+$/.test(w)) flush();
      else if (/^\d?>>?$/.test(w)) {
        const target = words[i + 1];
        if (target !== undefined && !/^[;&|>]/.test(target)) out.push(target);
        i++;
      } else simple.push(w);
    }
    flush();
  }
  return out
    .map((w) => w.replace(/^["']|["']$/g, ""))
    .filter((w) => w !== "" && !/[$`*?]/.test(w) && !w.startsWith("&"));
}
