/**
 * What a use case needs from the outside world, passed in rather than imported: the engine, the
 * build client, compose, the project's state (lock, journal, history) and where its progress
 * and notes go. The CLI builds the real ports once per command (in its runtime.ts), a library
 * caller gets them from app/library.ts, and a test passes fakes (test/unit/app/).
 *
 * Members are function-valued properties, not methods: a use case passes `ports.builds.client`
 * on as a plain function. The shapes are the adapters' own (adapters may not import app/): `realPorts()` in
 * adapters/real-ports.ts returns an object of exactly this type.
 */
import type { BuildRequest } from "../core/build/docker-build-args.js";
import type { ComposeIo } from "../core/compose/io.js";
import type { LoadProjectOptions, ProjectModel } from "../core/compose/model.js";
import type { KilnError } from "../core/errors.js";
import type { OverridePin } from "../core/pin/override-text.js";
import type { PinsFile } from "../core/pin/pins-file.js";
import type { ProgressReporter } from "../report/progress/reporter.js";
import type { BuildOutcome, BuildRunOptions } from "../adapters/engine/build.js";
import type { DockerClient } from "../adapters/engine/client.js";
import type { ComposeCli } from "../adapters/engine/compose-cli.js";
import type { Detection } from "../core/volumes/detect.js";
import type { VolumeInspection } from "../core/volumes/report.js";
import type { VolumeState } from "../core/volumes/warnings.js";
import type { Lookup } from "../core/registry/lookup-result.js";
import type { RegistryLocation } from "../core/registry/registry-ref.js";
import type { PlanTarget } from "../core/plan/plan.js";
import type { ArchiveDeps, TarCheck } from "../adapters/volumes/archive.js";
import type { EnsureAction, EnsureDeps } from "../adapters/volumes/ensure.js";
import type { Inventory, InventoryInput } from "../adapters/volumes/inventory.js";
import type { PruneOptions, PruneResult } from "../adapters/volumes/prune.js";
import type { RegistryReader } from "../adapters/registry/registry-client.js";
import type { TransferOptions } from "../adapters/registry/transfer.js";
import type { Engine } from "../adapters/engine/engine-types.js";
import type { HistoryStore } from "../adapters/history/history-store.js";
import type { ProjectSession, ProjectSessionOptions } from "../adapters/state/project-session.js";
import type { CommittedVersion } from "../adapters/git/file-history.js";
import type { ProcessRunner } from "../adapters/process-runner.js";
import type { ProjectFiles } from "../adapters/project-files.js";
import type { BackupStore } from "../adapters/state/backup-store.js";
import type { FileChange } from "../adapters/state/journal.js";
import type { StateLeftovers } from "../adapters/state/leftovers.js";
import type { OtherRecords } from "../adapters/state/other-records.js";
import type { UnpinMemo } from "../adapters/unpin-memo.js";
import type { VolumeTransfer } from "../adapters/volumes/volume-transfer.js";
// the devcontainer, fingerprint, lint-target and bundle ports' shapes
import type { FingerprintInput, FingerprintIo, FingerprintManifest } from "../core/fingerprint/index.js";
import type { FingerprintServicesDeps } from "../adapters/fs/fingerprint-services.js";
import type { DevcontainerCli, InstallFeaturesRequest } from "../adapters/devcontainer/cli.js";
import type { ImageConfig } from "../adapters/devcontainer/image-config.js";
import type { DevcontainerModel } from "../core/compose/model.js";
import type { LintTarget } from "../adapters/lint-targets.js";
import type { CacheMountRef } from "../core/bundle/cache-mounts.js";
import type { BundleManifest } from "../core/bundle/manifest.js";

/** the client kiln builds with (buildx, the legacy BuildKit client, or podman) */
export interface BuildPort {
  /** detected on first use, then the same answer for the run */
  client: () => Promise<DockerClient>;
  /** one BuildKit build of `request`; its progress as events */
  build: (
    client: DockerClient,
    request: BuildRequest,
    options: Pick<BuildRunOptions, "signal" | "onEvent">,
  ) => Promise<BuildOutcome>;
}

/** kiln's cache volumes (adapters/volumes/): found in the projects, created, moved, pruned, fixed */
export interface VolumesPort {
  /** the projects that share caches (loaded through `io`, else from disk), their caches, the engine's view of each */
  inventory: (input: InventoryInput) => Promise<Inventory>;
  /** the missing caches created (labelled as kiln's), each root given to the user that writes it */
  ensure: (
    detection: Detection,
    states: Record<string, VolumeState>,
    deps: EnsureDeps,
  ) => Promise<EnsureAction[]>;
  /** size, file count and largest files of a volume (ERR_KILN_VOLUME, exit 2, when there is none) */
  inspect: (engine: Engine, transfer: VolumeTransfer, name: string) => Promise<VolumeInspection>;
  /** kiln's unused cache volumes removed (or only listed: `dryRun`) */
  prune: (engine: Engine, options: PruneOptions) => Promise<PruneResult>;
  /** a volume's files into a tar file (written aside, then renamed) */
  exportTar: (
    name: string,
    file: string,
    options: { force: boolean },
    deps: ArchiveDeps,
  ) => Promise<{ bytes: number }>;
  /** a volume filled from a tar file, checked whole first; `labels` for a volume it creates */
  importTar: (
    file: string,
    name: string,
    options: { force: boolean; labels?: Record<string, string> },
    deps: ArchiveDeps,
  ) => Promise<TarCheck & { replaced: boolean }>;
  /** the compose files `volumes fix` edited: under the project lock, backed up, all or none */
  writeFixes: (
    projectDir: string,
    before: Record<string, string>,
    after: Record<string, string>,
    options: { env: NodeJS.ProcessEnv; log: (line: string) => void },
  ) => { backups: string[] };
}

/** a registry: asked about baked images over its HTTP API, images moved by the engine (`docker pull/push`) */
export interface RegistryPort {
  /** a reader of the registry at `location`, with docker's credentials for it (found through `env`) */
  open: (location: RegistryLocation, env: NodeJS.ProcessEnv) => RegistryReader;
  /** what the registry holds for a service's fingerprint (a failure is a `state: "error"` answer) */
  lookup: (client: RegistryReader, service: string, fingerprint: string) => Promise<Lookup>;
  /** every service looked up once, in parallel; a registry that fails once is not asked again */
  lookupAll: (
    client: RegistryReader,
    wanted: { service: string; fingerprint: string }[],
  ) => Promise<Map<string, Lookup>>;
  /** pulls the target's baked image, checks its fingerprint, gives it the local names; its id */
  pull: (target: PlanTarget, options: TransferOptions) => Promise<string>;
  /** pushes the target's content-tagged image as `…:kiln-<fp12>` and `…:kiln-latest`; the first ref */
  push: (target: PlanTarget, options: TransferOptions) => Promise<string>;
}

/** the compose CLI the user has (v2 plugin, docker-compose v1/v2, podman-compose) */
export interface ComposePort {
  /** undefined when there is none */
  detect: () => Promise<ComposeCli | undefined>;
  /** the compose found, or ERR_KILN_NO_COMPOSE */
  require: () => Promise<ComposeCli>;
  /** runs `compose.argv` + `args` (an argument array), its stderr lines going to `onStderrLine` */
  run: (
    compose: ComposeCli,
    args: string[],
    options: { cwd?: string; signal?: AbortSignal; onStderrLine?: (line: string) => void },
  ) => Promise<void>;
}

type Env = Record<string, string | undefined>;

export type Backups = Pick<
  BackupStore,
  "get" | "ensureBackup" | "discard" | "verify" | "restoreWholesale" | "paths"
>;

/** the project's own files: read once per run, loaded into the compose model */
export interface ProjectPort {
  /** a run's files, each read once and again only when its stat changed (adapters/project-files.ts) */
  files: () => ProjectFiles;
  /** the compose model as `io` shows it, from kiln's memo when nothing it read changed */
  load: (options: LoadProjectOptions, io: ComposeIo, view?: "disk" | "unpinned") => Promise<ProjectModel>;
  /** the same, always parsed and validated afresh */
  loadFresh: (options: LoadProjectOptions, io: ComposeIo) => Promise<ProjectModel>;
  /** the file kiln writes for `file`: symlinks followed (dangling ones too) */
  resolveTarget: (file: string) => string;
  /** true when the file's mode bits let nobody write it */
  readOnly: (file: string) => boolean;
  /** what an earlier run found undoing the same pins in the same text */
  unpinMemo: (env: Env) => Pick<UnpinMemo, "get" | "set">;
  /** the file as committed in its git checkout, newest first (none outside one) */
  committedVersions: (file: string) => Iterable<CommittedVersion>;
  /** runs git (argument arrays, the process runner) */
  git: ProcessRunner;
}

/**
 * A project's state dir (outside the project): the lock with journal recovery, the build
 * history, kiln's pin records, the pristine backups, the override file (adapters/state/).
 */
export interface StatePort {
  /** the project lock, orphan builds ended, an interrupted change completed (project-session.ts) */
  openSession: (stateDir: string, options: ProjectSessionOptions) => ProjectSession;
  history: (stateDir: string) => HistoryStore;
  /** where kiln keeps the state of the project in `projectDir` (not created here) */
  dir: (projectDir: string, env: Env) => string;
  /** a filesystem error on kiln's state folder as ERR_KILN_STATE_DIR; undefined for any other */
  dirError: (error: unknown, env: Env) => KilnError | undefined;
  /** kiln's pin records (empty when there are none) */
  readPins: (stateDir: string) => PinsFile;
  /**
   * One all-or-none change of the files (a journal commit; a file that is not `expectedCurrent`
   * any more is refused), with `pins` kiln's pin records in the same commit.
   */
  commit: (stateDir: string, changes: readonly FileChange[], pins?: PinsFile) => void;
  /** the pristine originals of the files kiln changed */
  backups: (stateDir: string) => Backups;
  /** `--mode override`'s file: service → image ref */
  readOverride: (stateDir: string) => Map<string, string>;
  /** merges `pins` into the override file; its path */
  writeOverride: (stateDir: string, pins: OverridePin[]) => Promise<string>;
  /** false when there was none */
  removeOverride: (stateDir: string) => boolean;
  /** other folders' records of a file named like `file` that pin all of `pins` (a copy, an old name) */
  recordsElsewhere: (
    file: string,
    pins: readonly { service: string; imageRef: string }[],
    options: { env: Env; ownStateDir: string },
  ) => OtherRecords[];
  /** what an interrupted run left in the state dir, for doctor */
  leftovers: (stateDir: string) => StateLeftovers;
}

/** the services' fingerprints, and files as the fingerprint reads them (adapters/fs/) */
export interface FingerprintPort {
  /** every service's fingerprint: contexts walked, the stat cache in the state dir kept */
  services: (
    inputs: FingerprintInput[],
    deps: FingerprintServicesDeps,
  ) => Promise<Map<string, FingerprintManifest>>;
  /** a reader of files and folders as the fingerprint sees them (no stat cache) */
  io: () => FingerprintIo;
}

/** the Dev Containers CLI and kiln's files for a devcontainer (adapters/devcontainer/, bake/) */
export interface DevcontainerPort {
  /** the CLI found, or ERR_KILN_DEVCONTAINER_CLI with the install command */
  cli: (env: NodeJS.ProcessEnv) => DevcontainerCli;
  /** the lock file the CLI would write for these OCI Features; undefined offline */
  resolveFeatureLock: (env: NodeJS.ProcessEnv, features: Record<string, unknown>) => string | undefined;
  installFeatures: (request: InstallFeaturesRequest) => Promise<void>;
  /** the engine's major version, as `docker version` through the build client says */
  engineMajor: (dockerArgv: string[], env: NodeJS.ProcessEnv) => Promise<number | undefined>;
  /** an image's config (User, Labels) through the build client; undefined when absent */
  imageConfig: (client: DockerClient, ref: string) => Promise<ImageConfig | undefined>;
  tag: (client: DockerClient, source: string, target: string) => Promise<void>;
  /** kiln's devcontainer.json copy for `--mode override`: written, checked (a problem in words), removed */
  writeConfig: (
    dc: DevcontainerModel,
    overrideFile: string,
    featuresBaked?: boolean,
    configText?: string,
  ) => Promise<string>;
  configProblem: (
    dc: DevcontainerModel,
    overrideFile: string,
    featuresBaked?: boolean,
    configText?: string,
  ) => string | undefined;
  removeConfig: (dc: DevcontainerModel) => Promise<string | undefined>;
}

/** the Dockerfiles `kiln lint` checks (adapters/lint-targets.ts) */
export interface LintTargetsPort {
  ofModel: (model: ProjectModel, cwd: string, log: (line: string) => void) => LintTarget[];
  /** a folder without a compose file: the Dockerfiles in it, two levels deep */
  search: (dir: string, cwd: string) => LintTarget[];
}

/** what `kiln bundle` reads and writes besides the engine (adapters/bundle/) */
export interface BundlePort {
  /** every cache mount of the services' Dockerfiles, once per id */
  cacheMounts: (model: ProjectModel, services: { service: string; imageRef: string }[]) => CacheMountRef[];
  /** ERR_KILN_BUNDLE when the builder cannot reach the engine's images (cache mounts out of reach) */
  checkCacheMounts: (client: DockerClient, verb: "export" | "import") => void;
  exportCacheMount: (
    client: DockerClient,
    mount: CacheMountRef,
    file: string,
    signal?: AbortSignal,
  ) => Promise<number>;
  importCacheMount: (
    client: DockerClient,
    mount: CacheMountRef,
    file: string,
    signal?: AbortSignal,
  ) => Promise<void>;
  /** `docker save` / `docker load` through the build client */
  saveImages: (client: DockerClient, refs: string[], file: string, signal?: AbortSignal) => Promise<void>;
  loadImages: (client: DockerClient, file: string, signal?: AbortSignal) => Promise<void>;
  /** a tar of `members` of `dir` written to `file`; a tar unpacked into `dir` */
  pack: (dir: string, members: string[], file: string) => Promise<void>;
  unpack: (file: string, dir: string) => Promise<void>;
  sha256: (file: string) => Promise<string>;
  /** the manifest of an unpacked bundle, or ERR_KILN_BUNDLE */
  readManifest: (dir: string, bundle: string) => BundleManifest;
  /** every member's checksum, or ERR_KILN_BUNDLE naming the first that differs */
  verifyMembers: (dir: string, manifest: BundleManifest, bundle: string) => Promise<void>;
}

export interface Ports {
  engine: Engine;
  project: ProjectPort;
  /** reads and writes volume contents on the engine's host (throws for an endpoint it cannot reach) */
  volumeTransfer: (signal?: AbortSignal) => VolumeTransfer;
  volumes: VolumesPort;
  registry: RegistryPort;
  builds: BuildPort;
  compose: ComposePort;
  state: StatePort;
  fingerprints: FingerprintPort;
  devcontainer: DevcontainerPort;
  lintTargets: LintTargetsPort;
  bundles: BundlePort;
  /** build progress (a run recorder wraps the one the user sees) */
  reporter: ProgressReporter;
  /** kiln's notes (stderr in the CLI, dropped by default in the library) */
  log: (line: string) => void;
}

/** the same ports with another reporter (the engine still resolved only when first used) */
export function withReporter(ports: Ports, reporter: ProgressReporter): Ports {
  return {
    get engine(): Engine {
      return ports.engine;
    },
    project: ports.project,
    volumeTransfer: ports.volumeTransfer,
    volumes: ports.volumes,
    registry: ports.registry,
    builds: ports.builds,
    compose: ports.compose,
    state: ports.state,
    fingerprints: ports.fingerprints,
    devcontainer: ports.devcontainer,
    lintTargets: ports.lintTargets,
    bundles: ports.bundles,
    reporter,
    log: ports.log,
  };
}
