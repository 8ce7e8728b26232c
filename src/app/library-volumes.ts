/**
 * `kiln volumes …` and `kiln bundle …` for a library caller: the same use cases the CLI's
 * commands call (app/volumes.ts, export-bundle.ts, import-bundle.ts) with the CLI's defaults,
 * the project given by its folder, data back and nothing printed. Ports as in library.ts.
 */
import path from "node:path";
import type { TransferProgress } from "../report/transfer-progress.js";
import {
  ensureCacheVolumes,
  exportCacheVolume,
  fixCacheVolumes,
  importCacheVolume,
  inspectCacheVolume,
  listVolumes as listCacheVolumes,
  pruneCacheVolumes,
  type VolumeFixReport,
  type VolumesRequest,
} from "./volumes.js";
import { exportBundle as exportProjectBundle, type BundleExportReport } from "./export-bundle.js";
import { importBundle as importProjectBundle, type BundleImportReport } from "./import-bundle.js";
import {
  onBuilderEngine,
  portsFor,
  projectRequest,
  type CallOptions,
  type ProjectSelection,
} from "./library.js";

export type VolumesOptions = ProjectSelection & CallOptions;

/** what `volumes ls` reports: each cache volume, its purpose, size, users and problems */
export type VolumeList = Awaited<ReturnType<typeof listCacheVolumes>>;
/** one cache volume `volumes ensure` looked at: created or there, and its owner */
export type EnsuredVolume = Awaited<ReturnType<typeof ensureCacheVolumes>>[number];
/** size, file count and largest files of a volume */
export type VolumeDetails = Awaited<ReturnType<typeof inspectCacheVolume>>;
/** the volumes `volumes prune` removed (or would), and those it kept because a container uses them */
export type VolumePruneReport = Awaited<ReturnType<typeof pruneCacheVolumes>>;
export type { VolumeFixReport };

/** a volume export/import's progress, made once its total size is known (default: none) */
export type VolumeProgress = (label: string, total: number | undefined) => TransferProgress;

const noProgress: VolumeProgress = () => ({ add: () => undefined, done: () => undefined });

async function volumesCall(given: VolumesOptions): Promise<[VolumesRequest, ReturnType<typeof portsFor>]> {
  const options = await onBuilderEngine(given);
  const env = options.env ?? process.env;
  return [
    { globals: projectRequest(options), env, ...(options.signal ? { signal: options.signal } : {}) },
    portsFor({ ...options, env }),
  ];
}

/** `kiln volumes ls`: the project's cache volumes (and its devcontainer's and sibling projects') */
export async function listVolumes(options: VolumesOptions & { sizes?: boolean } = {}): Promise<VolumeList> {
  const [request, ports] = await volumesCall(options);
  return listCacheVolumes(request, ports, { sizes: options.sizes ?? true });
}

/** `kiln volumes ensure`: the missing cache volumes created, owned by the users that mount them */
export async function ensureVolumes(
  options: VolumesOptions & {
    /** owner of every cache volume's root folder, "UID" or "UID:GID" */
    owner?: string;
    /** also chown everything inside existing volumes */
    recursive?: boolean;
  } = {},
): Promise<EnsuredVolume[]> {
  const [request, ports] = await volumesCall(options);
  return ensureCacheVolumes(request, ports, {
    ...(options.owner === undefined ? {} : { owner: options.owner }),
    recursive: options.recursive ?? false,
  });
}

/** `kiln volumes inspect NAME`: size, file count and largest files of an engine volume */
export async function inspectVolume(options: VolumesOptions & { name: string }): Promise<VolumeDetails> {
  const [request, ports] = await volumesCall(options);
  return inspectCacheVolume(request, ports, options.name);
}

/** `kiln volumes prune`: the project's (or every project's) kiln-created caches no container uses */
export async function pruneVolumes(
  options: VolumesOptions & { names?: string[]; dryRun?: boolean; allProjects?: boolean } = {},
): Promise<VolumePruneReport> {
  const [request, ports] = await volumesCall(options);
  return pruneCacheVolumes(request, ports, {
    names: options.names ?? [],
    dryRun: options.dryRun ?? false,
    allProjects: options.allProjects ?? false,
  });
}

/** `kiln volumes fix`: one explicit name per shared cache, mounted everywhere; all files or none */
export async function fixVolumes(
  options: VolumesOptions & { external?: boolean; dryRun?: boolean; addMounts?: boolean } = {},
): Promise<VolumeFixReport> {
  const [request, ports] = await volumesCall(options);
  return fixCacheVolumes(request, ports, {
    external: options.external ?? false,
    dryRun: options.dryRun ?? false,
    addMounts: options.addMounts ?? true,
  });
}

/** `kiln volumes export NAME FILE`: a volume's files (owners, modes, symlinks) in a tar file */
export async function exportVolume(
  options: VolumesOptions & { name: string; file: string; force?: boolean; progress?: VolumeProgress },
): Promise<{ bytes: number }> {
  const [request, ports] = await volumesCall(options);
  return exportCacheVolume(request, ports, {
    name: options.name,
    file: path.resolve(options.file),
    force: options.force ?? false,
    progress: options.progress ?? noProgress,
  });
}

/** `kiln volumes import FILE NAME`: a volume filled from a tar file */
export async function importVolume(
  options: VolumesOptions & { file: string; name: string; force?: boolean; progress?: VolumeProgress },
): Promise<{ entries: number; bytes: number; replaced: boolean }> {
  const [request, ports] = await volumesCall(options);
  return importCacheVolume(request, ports, {
    file: path.resolve(options.file),
    name: options.name,
    force: options.force ?? false,
    progress: options.progress ?? noProgress,
  });
}

export interface BundleExportOptions extends ProjectSelection, CallOptions {
  /** the bundle to write (a tar) */
  file: string;
  /** services to include (default: every buildable one) */
  services?: string[];
  /** also the contents of the services' BuildKit cache mounts */
  cacheMounts?: boolean;
}

/** `kiln bundle export`: the baked images of the current fingerprints in one checksummed file */
export async function exportBundle(options: BundleExportOptions): Promise<BundleExportReport> {
  options = await onBuilderEngine(options);
  const env = options.env ?? process.env;
  const ports = portsFor({ ...options, env });
  return exportProjectBundle(
    {
      globals: projectRequest(options),
      env,
      file: path.resolve(options.file),
      services: options.services ?? [],
      cacheMounts: options.cacheMounts ?? false,
      ...(options.signal ? { signal: options.signal } : {}),
      log: ports.log,
    },
    ports,
  );
}

export interface BundleImportOptions extends Pick<ProjectSelection, "env" | "context">, CallOptions {
  /** a bundle made by `kiln bundle export` */
  file: string;
  /** false: load the images only (default true: re-seed the cache mounts) */
  cacheMounts?: boolean;
}

/** `kiln bundle import`: checksums verified, images loaded, cache mounts re-seeded */
export async function importBundle(options: BundleImportOptions): Promise<BundleImportReport> {
  options = await onBuilderEngine(options);
  const env = options.env ?? process.env;
  const ports = portsFor({ ...options, env });
  return importProjectBundle(
    {
      env,
      ...(options.context ? { context: options.context } : {}),
      file: path.resolve(options.file),
      noCacheMounts: options.cacheMounts === false,
      ...(options.signal ? { signal: options.signal } : {}),
      log: ports.log,
    },
    ports,
  );
}
