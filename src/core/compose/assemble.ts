/**
 * Merges the loaded files and turns the result into the ProjectModel: project name, paths,
 * profiles, build specs, image names, volumes, source map.
 */
import path from "node:path";
import { KilnError } from "../errors.js";
import { isDict, scalarString, toStringMap, type Dict } from "./canonical.js";
import { devcontainerProjectName } from "./devcontainer.js";
import type { LoadedFile } from "./extends.js";
import type { FileLoader } from "./file-loader.js";
import { applyIncludes } from "./include.js";
import type { Lookup } from "./interpolate.js";
import type { ComposeIo } from "./io.js";
import { mergeDicts, stripMarkers } from "./merge.js";
import type { DevcontainerModel, LoadProjectOptions, ProjectModel, ServiceModel } from "./model.js";
import { resolveFileResources, resolveServicePaths } from "./paths.js";
import { defaultImageName, isValidProjectName, normalizeProjectName } from "./project-name.js";
import { toBuildSpec } from "./build-spec.js";
import { serviceSourceMap } from "./source-map.js";
import { checkVolumeRefs, toMounts, toVolumeModels } from "./volume-mounts.js";
import { checkDependsOn, checkDevcontainerServices } from "./service-refs.js";
import { serviceEnvironment } from "./env-file.js";
import { locate, SEP } from "./yaml-tree.js";

export interface AssembleInput {
  options: LoadProjectOptions;
  io: ComposeIo;
  env: Record<string, string | undefined>;
  lookup: Lookup;
  loader: FileLoader;
  files: string[];
  projectDir: string;
  envFiles: string[];
  devcontainer: DevcontainerModel | undefined;
}

export function assembleProject(input: AssembleInput): ProjectModel {
  const { options, lookup, loader, files, projectDir, devcontainer } = input;
  const home = input.env.HOME;
  const variant = options.variant ?? "v2";
  const loaded: LoadedFile[] = [];
  const sourceFiles: LoadedFile[] = [];
  for (const file of files) {
    const f = loader.load(file);
    sourceFiles.push(...applyIncludes(f, loader, home).files, f);
    loaded.push(f);
  }

  // merge, file after file
  let merged: Dict = {};
  for (const f of loaded) {
    const top: Dict = { ...f.data, services: f.services };
    delete top.include;
    merged = mergeDicts(merged, top, []);
  }
  // `!reset`/`!override` left where nothing was underneath (see mergeValue)
  if (loader.anyMarkers) merged = stripMarkers(merged) as Dict;
  const services: Record<string, Dict> = isDict(merged.services)
    ? (merged.services as Record<string, Dict>)
    : {};
  const topSecrets = (resolveFileResources(merged.secrets, projectDir, home) ?? {}) as Dict;

  const name = projectName(input, merged, loaded);
  const volumes = toVolumeModels(merged.volumes, name);
  const activeProfiles = profilesOf(options.profiles, lookup);
  const allServices: ServiceModel[] = [];
  for (const [serviceName, raw] of Object.entries(services)) {
    const s = resolveServicePaths(raw, projectDir, home);
    const hasBuild = isDict(s.build);
    const image = typeof s.image === "string" ? s.image : undefined;
    const model: ServiceModel = {
      name: serviceName,
      imageName: image ?? defaultImageName(name, serviceName, variant),
      environment: serviceEnvironment(s, lookup, input.io, serviceLocation(sourceFiles, serviceName, files)),
      volumes: toMounts(s.volumes),
      profiles: Array.isArray(s.profiles) ? (s.profiles as unknown[]).map(scalarString) : [],
      dependsOn: isDict(s.depends_on) ? Object.keys(s.depends_on) : [],
      labels: stringsOnly(toStringMap(s.labels)),
      source: serviceSourceMap(sourceFiles, serviceName, hasBuild, image !== undefined),
    };
    if (image !== undefined) model.image = image;
    const startsWith = implicitDependencies(s);
    if (startsWith.length > 0) model.startsWith = startsWith;
    if (hasBuild) model.build = toBuildSpec(s.build as Dict, topSecrets, lookup);
    if (typeof s.platform === "string") model.platform = s.platform;
    if (typeof s.user === "string" || typeof s.user === "number") model.user = String(s.user);
    if (typeof s.pull_policy === "string") model.pullPolicy = s.pull_policy;
    if (!hasBuild && image === undefined) {
      throw new KilnError(
        "ERR_KILN_COMPOSE_INVALID",
        `service "${serviceName}" has neither an image nor a build context specified`,
        {
          location: model.source.service
            ? `${model.source.service.file}:${model.source.service.line}`
            : files[0],
          hint: "add `image:` or `build:` to the service",
        },
      );
    }
    const where = model.source.service
      ? `${model.source.service.file}:${model.source.service.line}`
      : files[0];
    checkVolumeRefs(serviceName, model.volumes, volumes, where);
    allServices.push(model);
  }
  checkDependsOn(allServices, sourceFiles);
  if (devcontainer)
    checkDevcontainerServices(devcontainer, allServices, input.io.readText(devcontainer.configPath));
  const enabled = allServices.filter(
    (s) =>
      s.profiles.length === 0 ||
      activeProfiles.includes("*") ||
      s.profiles.some((p) => activeProfiles.includes(p)),
  );
  const extensions: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(merged)) if (k.startsWith("x-")) extensions[k] = v;
  const model: ProjectModel = {
    name,
    projectDir,
    files,
    referencedFiles: [...loader.extraFiles],
    envFiles: input.envFiles,
    variant,
    profiles: activeProfiles,
    services: enabled,
    allServices,
    volumes,
    extensions,
  };
  if (devcontainer) model.devcontainer = devcontainer;
  return model;
}

function profilesOf(explicit: string[] | undefined, lookup: Lookup): string[] {
  if (explicit && explicit.length > 0) return [...explicit];
  const v = lookup("COMPOSE_PROFILES");
  return v
    ? v
        .split(",")
        .map((p) => p.trim())
        .filter((p) => p !== "")
    : [];
}

function stringsOnly(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isDict(value))
    for (const [k, v] of Object.entries(value)) out[k] = v === null || v === undefined ? "" : scalarString(v);
  return out;
}

/** -p, COMPOSE_PROJECT_NAME, a devcontainer's rule, top-level `name:`, the folder name */
function projectName(input: AssembleInput, merged: Dict, loaded: LoadedFile[]): string {
  const { options, lookup, devcontainer, projectDir } = input;
  const variant = options.variant ?? "v2";
  const explicit = options.projectName ?? lookup("COMPOSE_PROJECT_NAME");
  if (explicit !== undefined && explicit !== "") {
    if (!isValidProjectName(explicit)) {
      throw new KilnError("ERR_KILN_USAGE", `invalid project name "${explicit}"`, {
        hint: "a project name has lowercase letters, digits, '-' and '_' and starts with a letter or digit",
      });
    }
    return explicit;
  }
  const written = typeof merged.name === "string" && merged.name !== "" ? merged.name : undefined;
  if (devcontainer) {
    return devcontainerProjectName({
      envProjectName: input.env.COMPOSE_PROJECT_NAME,
      workspaceDotenv: input.io.readText(path.join(devcontainer.workspaceFolder, ".env")),
      composeName: written,
      workspaceFolder: devcontainer.workspaceFolder,
      firstComposeFile: input.files[0],
    });
  }
  if (written !== undefined) {
    if (!isValidProjectName(written)) {
      const last = [...loaded].reverse().find((f) => f.positions.has("name"));
      throw new KilnError("ERR_KILN_COMPOSE_INVALID", `invalid project name "${written}"`, {
        location: last ? locate(last, `name`) : undefined,
        hint: "a project name has lowercase letters, digits, '-' and '_' and starts with a letter or digit",
      });
    }
    return written;
  }
  const fromDir = normalizeProjectName(path.basename(projectDir), variant);
  if (fromDir === "") {
    throw new KilnError("ERR_KILN_USAGE", `cannot derive a project name from the folder ${projectDir}`, {
      hint: "pass -p <name>",
    });
  }
  return fromDir;
}

/** "file:line:col" of the last `env_file`/service key for the service, for error messages */
function serviceLocation(files: readonly LoadedFile[], service: string, fallback: string[]): string {
  for (let i = files.length - 1; i >= 0; i--) {
    const f = files[i];
    if (f.positions.has(`services${SEP}${service}${SEP}env_file`))
      return locate(f, `services${SEP}${service}${SEP}env_file`);
  }
  for (let i = files.length - 1; i >= 0; i--) {
    const f = files[i];
    if (f.positions.has(`services${SEP}${service}`)) return locate(f, `services${SEP}${service}`);
  }
  return fallback[0] ?? "";
}

/** services compose starts before this one besides depends_on (compose-go's GetDependencies) */
function implicitDependencies(s: Dict): string[] {
  const out: string[] = [];
  if (Array.isArray(s.links)) for (const l of s.links as unknown[]) out.push(String(l).split(":")[0]);
  for (const key of ["network_mode", "ipc", "pid"]) {
    const v = s[key];
    if (typeof v === "string" && v.startsWith("service:")) out.push(v.slice("service:".length));
  }
  if (Array.isArray(s.volumes_from)) {
    for (const v of s.volumes_from as unknown[]) {
      const ref = String(v);
      if (!ref.startsWith("container:")) out.push(ref.split(":")[0]);
    }
  }
  return [...new Set(out)];
}
