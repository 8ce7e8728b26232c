/**
 * loadProject: a compose (or devcontainer) project read the way docker compose v2 reads it —
 * files, .env interpolation, extends, include, merge, profiles, project name, build specs,
 * named volumes — plus the source map of each service's `build:`/`image:` keys.
 */
import path from "node:path";
import { KilnError } from "../errors.js";
import { parseDevcontainer } from "./devcontainer.js";
import { parseDotenv } from "./dotenv.js";
import { FileLoader } from "./file-loader.js";
import { findDefaultFiles, findDevcontainerConfig, splitComposeFileVar } from "./find-files.js";
import type { Lookup } from "./interpolate.js";
import type { ComposeIo } from "./io.js";
import type { DevcontainerModel, LoadProjectOptions, ProjectModel } from "./model.js";
import { assembleProject } from "./assemble.js";

/**
 * Everything the loader reads comes in here: files through `io`, the environment and the
 * working directory as values. Core does no I/O of its own (the adapter project-loader.ts
 * supplies the real filesystem, environment and working directory).
 */
export interface LoadContext {
  io: ComposeIo;
  /** the process environment (interpolation reads it); options.env wins when given */
  env: Record<string, string | undefined>;
  /** the directory kiln runs in (absolute) */
  cwd: string;
}

export async function loadProjectWith(
  options: LoadProjectOptions,
  context: LoadContext,
): Promise<ProjectModel> {
  return loadProjectSyncWith(options, context);
}

export function loadProjectSyncWith(options: LoadProjectOptions, context: LoadContext): ProjectModel {
  const { io, cwd } = context;
  const env = options.env ?? context.env;
  const searchDir = path.resolve(cwd, options.projectDir ?? cwd);
  let files = (options.files ?? []).map((f) => path.resolve(searchDir, f));
  let devcontainer: DevcontainerModel | undefined;

  // COMPOSE_FILE may come from the environment or from the .env of the working directory
  const earlyDotenv = readDotenv(options.envFiles, path.join(searchDir, ".env"), io, env);
  const earlyLookup: Lookup = (n) => env[n] ?? earlyDotenv.values.get(n);
  if (files.length === 0 && options.devcontainer === undefined) {
    const fromVar = earlyLookup("COMPOSE_FILE");
    if (fromVar) files = splitComposeFileVar(fromVar, earlyLookup("COMPOSE_PATH_SEPARATOR"), searchDir);
    else files = findDefaultFiles(searchDir, io);
  }
  if (options.devcontainer !== undefined || files.length === 0) {
    const target =
      options.devcontainer === true || options.devcontainer === undefined
        ? searchDir
        : path.resolve(searchDir, options.devcontainer);
    const configPath = findDevcontainerConfig(target, io);
    if (configPath) {
      const text = io.readText(configPath) ?? "";
      devcontainer = parseDevcontainer(text, configPath, (p) => io.isFile(p), env);
      if (devcontainer.composeFiles.length === 0) {
        throw new KilnError(
          "ERR_KILN_DEVCONTAINER",
          `${configPath} does not use docker compose (no dockerComposeFile)`,
          {
            location: `${configPath}:1`,
            hint: "kiln works on compose-based dev containers; add dockerComposeFile, or point -f at a compose file",
          },
        );
      }
      files = devcontainer.composeFiles;
    } else if (options.devcontainer !== undefined) {
      throw new KilnError("ERR_KILN_DEVCONTAINER", `no devcontainer.json found at ${target}`, {
        hint: "pass the path of a devcontainer.json (or its folder) to --devcontainer",
      });
    }
  }
  if (files.length === 0) {
    throw new KilnError(
      "ERR_KILN_COMPOSE_NOT_FOUND",
      `no compose file found in ${searchDir} or its parents`,
      {
        hint: "pass -f <file>, set COMPOSE_FILE, or run kiln in the folder that has compose.yaml / docker-compose.yml",
      },
    );
  }
  // compose's --project-directory; the CLI passes the cwd when the flag is absent, which compose
  // treats as "the first file's folder" (found upwards, or named by -f)
  const explicitDir = options.projectDir !== undefined && path.resolve(cwd, options.projectDir) !== cwd;
  const projectDir = explicitDir && !devcontainer ? searchDir : path.dirname(files[0]);
  const dotenv =
    projectDir === searchDir
      ? earlyDotenv
      : readDotenv(options.envFiles, path.join(projectDir, ".env"), io, env);
  const lookup: Lookup = (n) => env[n] ?? dotenv.values.get(n);
  const loader = new FileLoader({
    io,
    lookup,
    validators: io.composeValidators(),
    home: env.HOME,
  });
  return assembleProject({
    options,
    io,
    env,
    lookup,
    loader,
    files,
    projectDir,
    envFiles: dotenv.files,
    devcontainer,
  });
}

interface DotenvValues {
  values: Map<string, string>;
  files: string[];
}

function readDotenv(
  explicit: string[] | undefined,
  fallback: string,
  io: ComposeIo,
  env: Record<string, string | undefined>,
): DotenvValues {
  const values = new Map<string, string>();
  const files: string[] = [];
  const list = explicit && explicit.length > 0 ? explicit : [fallback];
  for (const file of list) {
    const text = io.readText(file);
    if (text === undefined) {
      if (list !== explicit) continue;
      throw new KilnError("ERR_KILN_COMPOSE_NOT_FOUND", `env file not found: ${file}`, {
        hint: "check the --env-file path",
      });
    }
    files.push(file);
    for (const e of parseDotenv(text, (n) => values.get(n) ?? env[n])) values.set(e.key, e.value);
  }
  return { values, files };
}
