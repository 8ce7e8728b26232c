/**
 * One compose file from text to a LoadedFile: parse, interpolate, validate, canonicalise,
 * then apply its `extends:` (which may read other files through the same loader).
 */
import path from "node:path";
import { KilnError } from "../errors.js";
import { canonicalService, isDict, type Dict } from "./canonical.js";
import { resolveExtends, type LoadedFile } from "./extends.js";
import type { Lookup } from "./interpolate.js";
import { interpolateFile } from "./interpolate-tree.js";
import type { ComposeIo, ComposeValidators } from "./io.js";
import { stripMarkers } from "./merge.js";
import { validateComposeFile } from "./validate.js";
import { locate, parseComposeYaml, SEP } from "./yaml-tree.js";

export interface FileLoaderOptions {
  io: ComposeIo;
  lookup: Lookup;
  validators: ComposeValidators | undefined;
  home: string | undefined;
}

export class FileLoader {
  private readonly cache = new Map<string, LoadedFile>();
  /** every file read other than the ones asked for directly (extends targets) */
  readonly extraFiles = new Set<string>();
  /** whether any file read used `!reset`/`!override` */
  anyMarkers = false;

  constructor(private readonly options: FileLoaderOptions) {}

  get io(): ComposeIo {
    return this.options.io;
  }

  /** the project environment (process environment over .env) */
  get lookup(): Lookup {
    return this.options.lookup;
  }

  load(file: string, from?: { file: string; location: string }, lookup?: Lookup): LoadedFile {
    const cached = this.cache.get(file);
    if (cached) return cached;
    const text = this.options.io.readText(file);
    if (text === undefined) {
      throw new KilnError("ERR_KILN_COMPOSE_NOT_FOUND", `compose file not found: ${file}`, {
        location: from?.location ?? file,
        hint: from
          ? `fix the path in ${from.file} (it resolves against that file's folder)`
          : "check the -f path or COMPOSE_FILE",
      });
    }
    const memo = this.options.io.parsedFiles;
    let parsed = memo?.get(file, text);
    if (!parsed) {
      parsed = parseComposeYaml(text, file);
      memo?.set(file, text, parsed);
    }
    if (Object.keys(parsed.data).every((k) => k === "version")) {
      throw new KilnError("ERR_KILN_COMPOSE_INVALID", `empty compose file: ${file}`, {
        location: `${file}:1`,
        hint: "a compose file needs at least a `services:` section",
      });
    }
    if (parsed.hasMarkers) this.anyMarkers = true;
    interpolateFile(parsed, lookup ?? this.options.lookup);
    if (this.options.validators) {
      validateComposeFile(
        parsed,
        parsed.hasMarkers ? stripMarkers(parsed.data) : parsed.data,
        this.options.validators,
      );
    }
    const rawServices = parsed.data.services;
    const services: Record<string, Dict> = {};
    if (isDict(rawServices)) {
      for (const [name, s] of Object.entries(rawServices)) {
        if (s === null || s === undefined) services[name] = {};
        else if (isDict(s)) services[name] = canonicalService(s);
        else {
          throw new KilnError("ERR_KILN_COMPOSE_INVALID", `services.${name} must be a mapping`, {
            location: locate(parsed, `services${SEP}${name}`),
            hint: "write the service's keys (image:, build: …) under its name",
          });
        }
      }
    }
    const loaded: LoadedFile = { ...parsed, services, extendsOf: new Map() };
    this.cache.set(file, loaded);
    resolveExtends(
      loaded,
      (target, origin) => {
        this.extraFiles.add(target);
        return this.load(target, origin, lookup);
      },
      this.options.home,
    );
    return loaded;
  }

  dirOf(file: LoadedFile): string {
    return path.dirname(file.file);
  }
}
