/**
 * `extends:` within a file and from another file. The base service is merged under the
 * extending one with the override rules; a base from another file has its relative paths
 * resolved against that file's folder first.
 */
import path from "node:path";
import { KilnError } from "../errors.js";
import { isDict, scalarString, type Dict } from "./canonical.js";
import { mergeDicts } from "./merge.js";
import { resolveServicePaths } from "./paths.js";
import { locate, SEP, type ParsedFile } from "./yaml-tree.js";

/** a compose file after parsing, interpolation and canonicalisation */
export interface LoadedFile extends ParsedFile {
  services: Record<string, Dict>;
  /** service → the base it extends (file and service name), for the source map */
  extendsOf: Map<string, { file: LoadedFile; service: string }>;
}

/** loads (and caches) another compose file named by `extends: {file}` */
export type LoadOther = (absolutePath: string, from: { file: string; location: string }) => LoadedFile;

export function resolveExtends(file: LoadedFile, loadOther: LoadOther, home: string | undefined): void {
  const done = new Set<string>();
  const visiting: string[] = [];
  const visit = (name: string): Dict => {
    const service = file.services[name];
    if (done.has(name) || !isDict(service.extends)) return service;
    if (visiting.includes(name)) {
      throw new KilnError(
        "ERR_KILN_COMPOSE_EXTENDS",
        `services extend each other in a cycle: ${[...visiting, name].join(" → ")}`,
        {
          location: locate(file, `services${SEP}${name}${SEP}extends`),
          hint: "remove one of the `extends:` keys in the cycle",
        },
      );
    }
    visiting.push(name);
    const ext = service.extends;
    const baseName = scalarString(ext.service);
    const where = locate(file, `services${SEP}${name}${SEP}extends`);
    let base: Dict;
    let baseFile: LoadedFile = file;
    if (typeof ext.file === "string") {
      const target = path.resolve(path.dirname(file.file), ext.file);
      baseFile = loadOther(target, { file: file.file, location: where });
      const found = baseFile.services[baseName];
      if (!found) throw unknownBase(name, baseName, where, baseFile);
      base = resolveServicePaths(found, path.dirname(target), home);
    } else {
      if (!(baseName in file.services)) throw unknownBase(name, baseName, where, file);
      base = visit(baseName);
    }
    const own: Dict = { ...service };
    delete own.extends;
    const baseCopy: Dict = { ...base };
    delete baseCopy.extends;
    file.services[name] = mergeDicts(baseCopy, own, ["services", name]);
    file.extendsOf.set(name, { file: baseFile, service: baseName });
    visiting.pop();
    done.add(name);
    return file.services[name];
  };
  for (const name of Object.keys(file.services)) visit(name);
}

function unknownBase(name: string, baseName: string, location: string, inFile: LoadedFile): KilnError {
  const known = Object.keys(inFile.services).filter((s) => s !== name);
  return new KilnError(
    "ERR_KILN_COMPOSE_EXTENDS",
    `service "${name}" extends "${baseName}", which ${inFile.file} does not define`,
    {
      location,
      hint:
        known.length > 0
          ? `services there: ${known.slice(0, 10).join(", ")}`
          : "that file defines no services",
    },
  );
}
