/**
 * The use cases as a library caller sees them (`import { bake } from "kiln"`): one options
 * object each, with the CLI's defaults, a project given by its folder, and nothing printed
 * unless the caller passes a reporter or a log. Each calls the same use case the CLI's command
 * calls (the CLI's command files); only the defaults and the ports' construction live here.
 *
 * This file (with library-volumes.ts) is the library's composition root, as the CLI's runtime.ts is
 * the CLI's: it alone in app/ builds the real ports (adapters/real-ports.ts) and the run
 * recorder — unless the caller passes its own `ports` (fakes, another engine).
 */
import path from "node:path";
import type { PlanMode } from "../core/plan/plan.js";
import type { RunCommand } from "../core/history/run-record.js";
import type { ProgressReporter } from "../report/progress/reporter.js";
import { bakeProject, type BakeReport } from "./bake-project.js";
import { realPorts } from "../adapters/real-ports.js";
import { builderContext } from "../adapters/engine/builder-context.js";
import { RunRecorder } from "../adapters/history/run-recorder.js";
import { attachRun, bakeOutcome, recordRun } from "./recorded-run.js";
import { kilnVersion } from "../adapters/kiln-version.js";
import { projectChecks } from "./doctor/project-checks.js";
import type { CheckResult } from "../core/doctor/check.js";
import { projectStatus, type ServiceStatus } from "./status.js";
import { restoreProject, type RestoreReport } from "./restore.js";
import { upProject, type UpReport } from "./up.js";
import { pushProject, type PushReport } from "./push.js";
import { pullProject, type PullReport } from "./pull.js";
import type { ProjectRequest } from "./request.js";
import { withReporter, type Ports } from "./ports.js";

/** which project: its folder, and optionally what `-f`, `-p`, `--profile`… would select */
export interface ProjectSelection {
  /** the project folder (default: the current directory) */
  projectDir?: string;
  /** compose files, relative to the current directory or absolute; default: the folder's own */
  files?: string[];
  projectName?: string;
  profiles?: string[];
  envFiles?: string[];
  /** a devcontainer.json (or its folder), or true to find one */
  devcontainer?: string | true;
  /** docker context */
  context?: string;
  /** environment for interpolation and engine selection (default: process.env) */
  env?: NodeJS.ProcessEnv;
}

/** how a call talks to the outside world; every member optional */
export interface CallOptions {
  /**
   * the engine, build client, compose, state dir… to use (default: the real ones for `env` and
   * `context`, see `defaultPorts`). With your own ports, their `log` is used and their
   * `reporter` unless `reporter` is given.
   */
  ports?: Ports;
  signal?: AbortSignal;
  /** kiln's notes (default: dropped) */
  log?: (line: string) => void;
}

export interface BakeOptions extends ProjectSelection, CallOptions {
  /** services to bake (default: every buildable one, or what the devcontainer starts) */
  services?: string[];
  /** bake (default), build (no pin) or rebuild (every layer, pin again); or call build / rebuild */
  mode?: PlanMode;
  /** plan only: nothing is built or changed */
  dryRun?: boolean;
  /** services built at once (default 2) */
  jobs?: number;
  noCache?: boolean;
  pull?: boolean;
  purgeCaches?: boolean;
  all?: boolean;
  /** inplace (default): edit the compose files; override: kiln's override file */
  pinMode?: "inplace" | "override";
  registry?: string;
  push?: boolean;
  /** build progress (default: none) */
  reporter?: ProgressReporter;
}

/** `build`: as `bake`, but nothing is pinned */
export type BuildOptions = Omit<BakeOptions, "mode" | "pinMode">;
/** `rebuild`: every layer again (cache mounts kept), then pinned */
export type RebuildOptions = Omit<BakeOptions, "mode" | "noCache">;

const silent: ProgressReporter = {
  start: () => undefined,
  serviceStarted: () => undefined,
  event: () => undefined,
  serviceFinished: () => undefined,
  close: () => undefined,
};

/**
 * The real ports for a selection: the engine of `env`/`context`, the docker client detected on
 * first use, the compose found, the state dir under KILN_STATE_DIR. Nothing is resolved until a
 * use case calls a port. Start from these to replace one member (`{ ...defaultPorts(), engine }`).
 */
export function defaultPorts(
  options: Pick<ProjectSelection, "env" | "context"> & {
    reporter?: ProgressReporter;
    log?: (line: string) => void;
  } = {},
): Ports {
  return realPorts({
    env: options.env ?? process.env,
    ...(options.context ? { context: options.context } : {}),
    reporter: options.reporter ?? silent,
    log: options.log ?? (() => undefined),
  });
}

/** the caller's ports (with `reporter` when given), else the real ones */
export function portsFor(
  options: Pick<ProjectSelection, "env" | "context"> & CallOptions,
  reporter?: ProgressReporter,
): Ports {
  if (options.ports) return reporter ? withReporter(options.ports, reporter) : options.ports;
  return defaultPorts({ ...options, ...(reporter ? { reporter } : {}) });
}

/**
 * The selection on the engine of the buildx builder `env` selects (BUILDX_BUILDER, as the CLI's
 * `--builder`): a docker-driver builder of another docker context builds there, so kiln reads
 * images and pins there too. Unchanged when the caller passes its own ports.
 */
export async function onBuilderEngine<T extends Pick<ProjectSelection, "env" | "context"> & CallOptions>(
  options: T,
): Promise<T> {
  if (options.ports) return options;
  const chosen = await builderContext(options, options.env ?? process.env);
  return chosen.context === undefined ? options : { ...options, context: chosen.context };
}

export function projectRequest(selection: ProjectSelection): ProjectRequest {
  return {
    projectDir: path.resolve(selection.projectDir ?? process.cwd()),
    projectDirExplicit: selection.projectDir !== undefined,
    files: (selection.files ?? []).map((f) => path.resolve(f)),
    ...(selection.projectName ? { projectName: selection.projectName } : {}),
    profiles: selection.profiles ?? [],
    envFiles: (selection.envFiles ?? []).map((f) => path.resolve(f)),
    ...(selection.devcontainer !== undefined ? { devcontainer: selection.devcontainer } : {}),
    ...(selection.context ? { context: selection.context } : {}),
  };
}

/** a run of `command` for the project's history, passing every call on to the caller's reporter */
function runRecorder(
  command: RunCommand,
  options: CallOptions & { reporter?: ProgressReporter },
): RunRecorder {
  return new RunRecorder(options.reporter ?? options.ports?.reporter ?? silent, {
    command,
    kilnVersion: kilnVersion(),
    warn: options.log ?? options.ports?.log ?? (() => undefined),
  });
}

/** the use case's `onLocked` hook: the run is written to this project's history from here */
function attachTo(
  recorder: RunRecorder,
  ports: Ports,
): (run: { projectDir: string; stateDir: string }) => void {
  return attachRun(recorder, () => ports.engine.host);
}

/**
 * `kiln bake` (or build / rebuild with `mode`): the plan, each service's result, the pins. The
 * run goes into the project's history (`kiln history`, `kiln report`) as the CLI's runs do.
 */
export async function bake(options: BakeOptions = {}): Promise<BakeReport> {
  options = await onBuilderEngine(options);
  const mode = options.mode ?? "bake";
  const env = options.env ?? process.env;
  const recorder = runRecorder(mode, options);
  const ports = portsFor({ ...options, env }, recorder);
  const run = (): Promise<BakeReport> =>
    bakeProject(
      {
        globals: projectRequest(options),
        env,
        ...(options.signal ? { signal: options.signal } : {}),
        mode,
        services: options.services ?? [],
        dryRun: options.dryRun ?? false,
        jobs: options.jobs ?? 2,
        noCache: options.noCache ?? false,
        pull: options.pull ?? false,
        purgeCaches: options.purgeCaches ?? false,
        all: options.all ?? false,
        pinMode: options.pinMode ?? "inplace",
        onLocked: attachTo(recorder, ports),
        ...(options.registry ? { registry: options.registry } : {}),
        push: options.push ?? false,
      },
      ports,
    );
  return recordRun(recorder, options.signal, run, bakeOutcome);
}

/** `kiln build`: the stale services built and content-tagged; the compose files untouched */
export function build(options: BuildOptions = {}): Promise<BakeReport> {
  return bake({ ...options, mode: "build" });
}

/** `kiln rebuild`: restore, every layer built again (cache mounts kept), pinned again */
export function rebuild(options: RebuildOptions = {}): Promise<BakeReport> {
  return bake({ ...options, mode: "rebuild" });
}

/** `kiln status`: per service baked / stale / unbaked / missing-image, with the reason */
export async function status(
  options: ProjectSelection & CallOptions = {},
): Promise<{ project: string; services: ServiceStatus[] }> {
  options = await onBuilderEngine(options);
  const result = await projectStatus(projectRequest(options), options.env ?? process.env, portsFor(options));
  return { project: result.project, services: result.services };
}

/** `kiln doctor`'s project checks (compose files, pins, backups, containers, volumes, lint) */
export async function doctor(
  options: ProjectSelection & CallOptions & { fix?: boolean } = {},
): Promise<CheckResult[]> {
  options = await onBuilderEngine(options);
  return projectChecks({
    globals: projectRequest(options),
    env: options.env ?? process.env,
    fix: options.fix ?? false,
    engineReachable: true,
    ports: portsFor(options),
  });
}

export interface RestoreOptions extends ProjectSelection, CallOptions {
  /** services to unpin (default: every pinned one, and kiln's override file) */
  services?: string[];
  /** write the pristine backups back wholesale (edits made after baking are refused unless `force`) */
  fromBackup?: boolean;
  force?: boolean;
  /** pins made in another folder: `build:` back from the last commit that has it */
  fromGit?: boolean;
}

/** `kiln restore`: each pinned service's `build:` back, keeping the edits made after baking */
export async function restore(options: RestoreOptions = {}): Promise<RestoreReport> {
  options = await onBuilderEngine(options);
  return restoreProject(
    {
      globals: projectRequest(options),
      env: options.env ?? process.env,
      services: options.services ?? [],
      ...(options.fromBackup ? { fromBackup: true } : {}),
      ...(options.force ? { force: true } : {}),
      ...(options.fromGit ? { fromGit: true } : {}),
    },
    portsFor(options),
  );
}

export interface UpOptions extends ProjectSelection, CallOptions {
  /** services to start (default: every service) */
  services?: string[];
  /** false: start what the compose file names now, build nothing (default true) */
  bake?: boolean;
  /** false: do not create missing cache volumes (default true) */
  volumes?: boolean;
  /** services built at once (default 2) */
  jobs?: number;
  /** the bake's build progress (default: none) */
  reporter?: ProgressReporter;
}

/**
 * `kiln up`: the cache volumes ensured, the stale services baked (recorded in the history as a
 * run of `up`), then `compose up -d`, recreating containers that run an older image.
 */
export async function up(options: UpOptions = {}): Promise<UpReport> {
  options = await onBuilderEngine(options);
  const env = options.env ?? process.env;
  const ports = portsFor({ ...options, env });
  return upProject(
    {
      globals: projectRequest(options),
      env,
      ...(options.signal ? { signal: options.signal } : {}),
      services: options.services ?? [],
      bake: options.bake ?? true,
      volumes: options.volumes ?? true,
      jobs: options.jobs ?? 2,
    },
    ports,
    {
      // the bake is recorded in the history as a run of `up`, as the CLI's is
      bakeRun: () => {
        const recorder = runRecorder("up", options);
        return {
          reporter: recorder,
          onLocked: attachTo(recorder, ports),
          around: (runBake) => recordRun(recorder, options.signal, runBake, bakeOutcome),
        };
      },
    },
  );
}

export interface PushOptions extends ProjectSelection, CallOptions {
  /** services to push (default: every buildable one) */
  services?: string[];
  /** HOST[:PORT]/PREFIX (default: KILN_REGISTRY, else x-kiln.registry) */
  registry?: string;
}

/** `kiln push`: the baked images of the current fingerprints pushed, what the registry has skipped */
export async function push(options: PushOptions = {}): Promise<PushReport> {
  options = await onBuilderEngine(options);
  return pushProject(
    {
      globals: projectRequest(options),
      env: options.env ?? process.env,
      ...(options.signal ? { signal: options.signal } : {}),
      services: options.services ?? [],
      ...(options.registry ? { registry: options.registry } : {}),
    },
    portsFor(options),
  );
}

export interface PullOptions extends PushOptions {
  /** each service's outcome as it happens (default: none) */
  reporter?: ProgressReporter;
}

/** `kiln pull`: the baked images of the current fingerprints fetched and tagged; no build, no pin */
export async function pull(options: PullOptions = {}): Promise<PullReport> {
  options = await onBuilderEngine(options);
  const env = options.env ?? process.env;
  const recorder = runRecorder("pull", options);
  const ports = portsFor({ ...options, env }, recorder);
  const run = (): Promise<PullReport> =>
    pullProject(
      {
        globals: projectRequest(options),
        env,
        ...(options.signal ? { signal: options.signal } : {}),
        services: options.services ?? [],
        ...(options.registry ? { registry: options.registry } : {}),
        onOpened: attachTo(recorder, ports),
      },
      ports,
    );
  return recordRun(recorder, options.signal, run, (report) => ({
    failed: report.services.some((r) => r.state === "missing" || r.state === "failed"),
    services: [],
  }));
}
