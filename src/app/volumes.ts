/**
 * `kiln volumes …` as use cases: the named cache volumes (pip, apt, torch, Hugging Face, Ollama,
 * models) that a project's compose services — and its devcontainer's and sibling projects' —
 * share. Each returns data; the CLI renders it (report/volume-text.ts).
 */
import { readFileSync } from "node:fs";
import { KilnError } from "../core/errors.js";
import { applyFixes, describeFix, planFixes } from "../core/volumes/fix-plan.js";
import { parseOwner } from "../core/volumes/users.js";
import type { TransferProgress } from "../report/transfer-progress.js";
import { composeVolumeLabels, extraLabels, managedLabels } from "../core/volumes/labels.js";
import type { VolumeInspection } from "../core/volumes/report.js";
import type { EnsureAction } from "../adapters/volumes/ensure.js";
import type { Inventory } from "../adapters/volumes/inventory.js";
import type { PruneResult } from "../adapters/volumes/prune.js";
import { loadOptions } from "./open-project.js";
import type { Ports } from "./ports.js";
import type { ProjectRequest } from "./request.js";

export interface VolumesRequest {
  globals: ProjectRequest;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

export type VolumesPorts = Pick<Ports, "engine" | "volumeTransfer" | "volumes" | "log">;

/** a transfer's progress, made once its total is known */
export type TransferProgressFactory = (label: string, total: number | undefined) => TransferProgress;

async function inventory(request: VolumesRequest, ports: VolumesPorts, sizes = true): Promise<Inventory> {
  return ports.volumes.inventory({
    projectDir: request.globals.projectDir,
    root: loadOptions(request.globals, request.env),
    env: request.env,
    engine: ports.engine,
    transfer: ports.volumeTransfer(request.signal),
    sizes,
  });
}

/** `volumes ls`: each cache volume, its purpose, size, the services that mount it, what is wrong */
export async function listVolumes(
  request: VolumesRequest,
  ports: VolumesPorts,
  options: { sizes: boolean },
): Promise<Inventory["report"]> {
  return (await inventory(request, ports, options.sizes)).report;
}

/** `volumes ensure`: the missing cache volumes created, owned by the users that mount them */
export async function ensureCacheVolumes(
  request: VolumesRequest,
  ports: VolumesPorts,
  options: { owner?: string; recursive: boolean },
): Promise<EnsureAction[]> {
  const owner = options.owner === undefined ? undefined : parseOwner(options.owner);
  if (options.owner !== undefined && !owner) {
    throw new KilnError("ERR_KILN_USAGE", `--owner ${options.owner}: expected UID or UID:GID (numbers)`, {
      hint: "e.g. --owner 1000:1000",
    });
  }
  const inv = await inventory(request, ports);
  return ports.volumes.ensure(inv.detection, inv.states, {
    engine: ports.engine,
    transfer: ports.volumeTransfer(request.signal),
    env: request.env,
    recursive: options.recursive,
    ...(owner ? { owner } : {}),
  });
}

/** `volumes inspect`: size, file count and largest files of a volume */
export function inspectCacheVolume(
  request: VolumesRequest,
  ports: VolumesPorts,
  name: string,
): Promise<VolumeInspection> {
  return ports.volumes.inspect(ports.engine, ports.volumeTransfer(request.signal), name);
}

async function projectCaches(request: VolumesRequest, ports: VolumesPorts): Promise<Set<string>> {
  try {
    const inv = await inventory(request, ports, false);
    return new Set(inv.detection.groups.flatMap((g) => g.mounts.map((m) => m.engineName)));
  } catch (error: unknown) {
    if (error instanceof KilnError && error.code === "ERR_KILN_COMPOSE_NOT_FOUND")
      throw new KilnError("ERR_KILN_COMPOSE_NOT_FOUND", error.message, {
        hint: "prune looks at the cache volumes of the project here: pass --project-dir DIR, or --all-projects for kiln's cache volumes of every project",
      });
    throw error;
  }
}

/** `volumes prune`: the project's (or every project's) kiln-created caches no container uses */
export async function pruneCacheVolumes(
  request: VolumesRequest,
  ports: VolumesPorts,
  options: { names: string[]; dryRun: boolean; allProjects: boolean },
): Promise<PruneResult> {
  // only the caches kiln finds in the current project(s), unless asked for every project (#12.6)
  const caches = options.allProjects ? undefined : await projectCaches(request, ports);
  return ports.volumes.prune(ports.engine, {
    dryRun: options.dryRun,
    names: options.names,
    ...(caches ? { caches } : {}),
  });
}

/** `volumes export`: a volume's files (owners, modes, symlinks) in a tar file */
export async function exportCacheVolume(
  request: VolumesRequest,
  ports: VolumesPorts,
  options: { name: string; file: string; force: boolean; progress: TransferProgressFactory },
): Promise<{ bytes: number }> {
  const { name, file } = options;
  return ports.volumes.exportTar(
    name,
    file,
    { force: options.force },
    {
      engine: ports.engine,
      transfer: ports.volumeTransfer(request.signal),
      env: request.env,
      progress: (total) => options.progress(`export ${name}`, total),
    },
  );
}

/**
 * A volume import creates: kiln's (prunable) labels only when the project here mounts it as a
 * cache; anything else — a database dump restored, a volume of no project — is the user's (#12.6).
 */
async function importLabels(
  request: VolumesRequest,
  ports: VolumesPorts,
  name: string,
): Promise<Record<string, string>> {
  let inv: Inventory | undefined;
  try {
    inv = await inventory(request, ports, false);
  } catch (error: unknown) {
    if (!(error instanceof KilnError)) throw error;
  }
  for (const group of inv?.detection.groups ?? []) {
    const mount = group.mounts.find((m) => m.engineName === name);
    if (mount)
      return {
        ...managedLabels(request.env, group.purpose),
        ...(mount.external ? {} : composeVolumeLabels(mount.project, mount.volumeKey)),
      };
  }
  return extraLabels(request.env);
}

/** `volumes import`: a volume filled from a tar file */
export async function importCacheVolume(
  request: VolumesRequest,
  ports: VolumesPorts,
  options: { file: string; name: string; force: boolean; progress: TransferProgressFactory },
): Promise<{ entries: number; bytes: number; replaced: boolean }> {
  const { name, file } = options;
  return ports.volumes.importTar(
    file,
    name,
    { force: options.force, labels: await importLabels(request, ports, name) },
    {
      engine: ports.engine,
      transfer: ports.volumeTransfer(request.signal),
      env: request.env,
      progress: (total) => options.progress(`import ${name}`, total),
    },
  );
}

export interface VolumeFixReport {
  dryRun: boolean;
  /** each edit, in words */
  changes: string[];
  files: string[];
  backups: string[];
  /** the files were written (not a dry run, and something to change) */
  written: boolean;
}

/** `volumes fix`: one explicit name per shared cache (and it mounted everywhere), all files or none */
export async function fixCacheVolumes(
  request: VolumesRequest,
  ports: VolumesPorts,
  options: { external: boolean; dryRun: boolean; addMounts: boolean },
): Promise<VolumeFixReport> {
  const inv = await inventory(request, ports);
  const files = [...new Set(inv.projects.flatMap((p) => p.files))];
  const texts: Record<string, string> = {};
  for (const f of files) texts[f] = readFileSync(f, "utf8");
  const actions = planFixes(inv.detection, inv.projects, texts, {
    external: options.external,
    addMounts: options.addMounts,
  });
  const changed = applyFixes(actions, texts);
  const changes = actions.map(describeFix);
  if (options.dryRun || Object.keys(changed).length === 0) {
    return { dryRun: options.dryRun, changes, files: Object.keys(changed), backups: [], written: false };
  }
  const { backups } = ports.volumes.writeFixes(request.globals.projectDir, texts, changed, {
    env: request.env,
    log: ports.log,
  });
  return { dryRun: false, changes, files: Object.keys(changed), backups, written: true };
}
