/**
 * Top-level `include:`: each included file is loaded as its own little project (relative
 * paths against its own folder, or `project_directory`) and its resources are added to the
 * including file; defining the same service twice is an error, as in compose.
 * https://docs.docker.com/compose/compose-file/14-include/
 */
import path from "node:path";
import { KilnError } from "../errors.js";
import { isDict, scalarString, type Dict } from "./canonical.js";
import type { LoadedFile } from "./extends.js";
import type { FileLoader } from "./file-loader.js";
import { parseDotenv } from "./dotenv.js";
import type { Lookup } from "./interpolate.js";
import { resolveFileResources, resolveServicePaths } from "./paths.js";
import { locate, SEP } from "./yaml-tree.js";

export interface IncludeResult {
  /** the included files (and theirs), in load order */
  files: LoadedFile[];
}

const RESOURCES = ["volumes", "networks", "secrets", "configs"] as const;

export function applyIncludes(
  file: LoadedFile,
  loader: FileLoader,
  home: string | undefined,
  depth = 0,
): IncludeResult {
  const list = file.data.include;
  const result: IncludeResult = { files: [] };
  if (!Array.isArray(list)) return result;
  if (depth > 20)
    throw new KilnError("ERR_KILN_COMPOSE_INVALID", "include: nested too deeply (a cycle?)", {
      hint: "an include: list that includes itself (directly or through another file) never ends: remove the cycle",
      location: locate(file, "include"),
    });
  list.forEach((entry, index) => {
    const where = locate(file, `include${SEP}${index}`);
    const spec: Dict = typeof entry === "string" ? { path: entry } : isDict(entry) ? entry : {};
    const paths = Array.isArray(spec.path)
      ? (spec.path as unknown[]).map(scalarString)
      : [scalarString(spec.path)];
    const baseDir = path.dirname(file.file);
    const files = paths.map((p) => path.resolve(baseDir, p));
    const projectDir =
      typeof spec.project_directory === "string"
        ? path.resolve(baseDir, spec.project_directory)
        : path.dirname(files[0]);
    for (const target of files) {
      loader.extraFiles.add(target);
      const inc = loader.load(
        target,
        { file: file.file, location: where },
        includeLookup(loader, spec, baseDir, projectDir, where),
      );
      result.files.push(...applyIncludes(inc, loader, home, depth + 1).files, inc);
      for (const [name, service] of Object.entries(inc.services)) {
        if (name in file.services) {
          throw new KilnError(
            "ERR_KILN_COMPOSE_INVALID",
            `service "${name}" is defined both in ${file.file} and in the included ${target}`,
            {
              location: locate(file, `services${SEP}${name}`),
              hint: "rename one of them, or extend the included service instead of redefining it",
            },
          );
        }
        file.services[name] = resolveServicePaths(service, projectDir, home);
        const link = inc.extendsOf.get(name);
        if (link) file.extendsOf.set(name, link);
      }
      for (const key of RESOURCES) {
        const incRes = inc.data[key];
        if (!isDict(incRes)) continue;
        const own = isDict(file.data[key]) ? file.data[key] : {};
        const res =
          key === "secrets" || key === "configs"
            ? (resolveFileResources(incRes, projectDir, home) as Dict)
            : incRes;
        file.data[key] = { ...res, ...own };
      }
    }
  });
  return result;
}

/**
 * An included file is interpolated with the including project's environment first, then its
 * own `env_file` (relative to the including file) or the `.env` of its project directory —
 * as measured with compose v2.
 */
function includeLookup(
  loader: FileLoader,
  spec: Dict,
  baseDir: string,
  projectDir: string,
  where: string,
): Lookup {
  const listed =
    spec.env_file === undefined
      ? []
      : Array.isArray(spec.env_file)
        ? (spec.env_file as unknown[])
        : [spec.env_file];
  const explicit = listed.length > 0;
  const files = explicit
    ? listed.map((f) => path.resolve(baseDir, scalarString(f)))
    : [path.join(projectDir, ".env")];
  const own = new Map<string, string>();
  for (const f of files) {
    const text = loader.io.readText(f);
    if (text === undefined) {
      if (!explicit) continue;
      throw new KilnError("ERR_KILN_COMPOSE_NOT_FOUND", `env file ${f} of an include not found`, {
        location: where,
        hint: "include env_file paths are relative to the including file",
      });
    }
    for (const e of parseDotenv(text, (n) => own.get(n) ?? loader.lookup(n))) own.set(e.key, e.value);
  }
  return (n) => loader.lookup(n) ?? own.get(n);
}
