/**
 * #15.2: where a build reads its whole context, the files in it that change often and that an
 * image never needs — the devcontainer's config (edited for ports and extensions), folders bind
 * mounted into containers (they write there) — each with the .dockerignore line that would stop
 * them from making the service stale. Advice only: with `COPY . …` the image does contain them.
 */
import path from "node:path";
import type { ProjectModel, ServiceModel } from "../compose/model.js";

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
