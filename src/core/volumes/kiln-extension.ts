/**
 * The volumes part of a compose file's `x-kiln` section:
 *
 * ```yaml
 * x-kiln:
 *   projects: [., ../test-gen]          # the compose projects whose caches are shared
 *   caches:
 *     huggingface:                       # purpose
 *       volume: huggingface-cache        # the shared engine name
 *       path: /root/.cache/huggingface   # where services mount it (optional)
 *       external: true                   # `volumes fix` marks it external (optional)
 *     pip: dukat-pip-cache               # short form: purpose: volume
 * ```
 */
import { KilnError } from "../errors.js";

export interface DeclaredCache {
  purpose: string;
  volume: string;
  path?: string;
  external: boolean;
}

export interface KilnVolumesConfig {
  caches: DeclaredCache[];
  /** as written, relative to the project directory; undefined when not set */
  projects?: string[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function invalid(what: string): KilnError {
  return new KilnError("ERR_KILN_COMPOSE_INVALID", `x-kiln: ${what}`, {
    hint: "see `kiln volumes --help` for the x-kiln.caches and x-kiln.projects format",
  });
}

export function readKilnVolumesConfig(extensions: Record<string, unknown>): KilnVolumesConfig {
  const section = extensions["x-kiln"];
  if (section === undefined || section === null) return { caches: [] };
  if (!isRecord(section)) throw invalid("must be a mapping");
  const caches: DeclaredCache[] = [];
  const rawCaches = section.caches;
  if (rawCaches !== undefined && rawCaches !== null) {
    if (!isRecord(rawCaches))
      throw invalid("caches must map a purpose to a volume name or {volume, path, external}");
    for (const [purpose, value] of Object.entries(rawCaches)) {
      if (typeof value === "string") {
        caches.push({ purpose, volume: value, external: false });
        continue;
      }
      if (!isRecord(value) || typeof value.volume !== "string" || value.volume === "") {
        throw invalid(`caches.${purpose} needs a volume name (caches.${purpose}.volume)`);
      }
      if (value.path !== undefined && typeof value.path !== "string")
        throw invalid(`caches.${purpose}.path must be a string`);
      caches.push({
        purpose,
        volume: value.volume,
        ...(typeof value.path === "string" ? { path: value.path } : {}),
        external: value.external === true || value.external === "true",
      });
    }
  }
  const rawProjects = section.projects;
  if (rawProjects === undefined || rawProjects === null) return { caches };
  if (!Array.isArray(rawProjects) || !rawProjects.every((p): p is string => typeof p === "string")) {
    throw invalid("projects must be a list of folders or compose files");
  }
  return { caches, projects: rawProjects };
}
