/**
 * The use cases as a library caller sees them (`import { bake } from "kiln"`): one options
 * object each, with the CLI's defaults, a project given by its folder, and nothing printed
 * unless the caller passes a reporter or a log.
 */
import path from "node:path";
import type { PlanMode } from "../core/plan/plan.js";
import type { ProgressReporter } from "../report/progress/reporter.js";
import { bakeProject, type BakeReport } from "./bake-project.js";
import { bakeSummaries } from "./bake-summaries.js";
import { realPorts } from "../adapters/real-ports.js";
import { RunRecorder } from "../adapters/history/run-recorder.js";
import { kilnVersion } from "../adapters/kiln-version.js";
import { projectChecks } from "./doctor/project-checks.js";
import type { CheckResult } from "../core/doctor/check.js";
import { projectStatus, type ServiceStatus } from "./status.js";
import { restoreProject, type RestoreReport } from "./restore.js";
import type { ProjectRequest } from "./request.js";
import type { Ports } from "./ports.js";

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

export interface BakeOptions extends ProjectSelection {
  /** services to bake (default: every buildable one, or what the devcontainer starts) */
  services?: string[];
  /** bake (default), build (no pin) or rebuild (every layer, pin again) */
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
  signal?: AbortSignal;
  /** build progress (default: none) */
  reporter?: ProgressReporter;
  /** kiln's notes (default: dropped) */
  log?: (line: string) => void;
}

const silent: ProgressReporter = {
  start: () => undefined,
  serviceStarted: () => undefined,
  event: () => undefined,
  serviceFinished: () => undefined,
  close: () => undefined,
};

/** the real engine, build client, compose and state dir for a library call */
export function libraryPorts(
  selection: Pick<ProjectSelection, "env" | "context">,
  reporter: ProgressReporter = silent,
  log: (line: string) => void = () => undefined,
): Ports {
  return realPorts({
    env: selection.env ?? process.env,
    ...(selection.context ? { context: selection.context } : {}),
    reporter,
    log,
  });
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

/**
 * `kiln bake` (or build / rebuild with `mode`): the plan, each service's result, the pins. The
 * run goes into the project's history (`kiln history`, `kiln report`) as the CLI's runs do.
 */
export async function bake(options: BakeOptions = {}): Promise<BakeReport> {
  const globals = projectRequest(options);
  const env = options.env ?? process.env;
  const mode = options.mode ?? "bake";
  const log = options.log ?? (() => undefined);
  const recorder = new RunRecorder(options.reporter ?? silent, {
    command: mode,
    kilnVersion: kilnVersion(),
    warn: log,
  });
  const ports = libraryPorts(
    { env, ...(globals.context ? { context: globals.context } : {}) },
    recorder,
    log,
  );
  let report: BakeReport;
  try {
    report = await bakeOnly(options, globals, env, mode, ports, (run) =>
      recorder.attach({ ...run, engine: ports.engine.host }),
    );
  } catch (error: unknown) {
    recorder.finish(options.signal?.aborted ? "interrupted" : "failed");
    throw error;
  }
  recorder.finish(
    report.results.some((r) => r.action === "failed") ? "failed" : "done",
    report.dryRun ? [] : bakeSummaries(report),
  );
  return report;
}

function bakeOnly(
  options: BakeOptions,
  globals: ProjectRequest,
  env: NodeJS.ProcessEnv,
  mode: PlanMode,
  ports: Ports,
  onLocked: (run: { projectDir: string; stateDir: string }) => void,
): Promise<BakeReport> {
  return bakeProject(
    {
      globals,
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
      onLocked,
      ...(options.registry ? { registry: options.registry } : {}),
      push: options.push ?? false,
    },
    ports,
  );
}

/** `kiln status`: per service baked / stale / unbaked / missing-image, with the reason */
export async function status(
  options: ProjectSelection = {},
): Promise<{ project: string; services: ServiceStatus[] }> {
  const result = await projectStatus(
    projectRequest(options),
    options.env ?? process.env,
    libraryPorts(options),
  );
  return { project: result.project, services: result.services };
}

/** `kiln doctor`'s project checks (compose files, pins, backups, containers, volumes, lint) */
export async function doctor(options: ProjectSelection & { fix?: boolean } = {}): Promise<CheckResult[]> {
  return projectChecks({
    globals: projectRequest(options),
    env: options.env ?? process.env,
    fix: options.fix ?? false,
    engineReachable: true,
    ports: libraryPorts(options),
  });
}

export interface RestoreOptions extends ProjectSelection {
  /** services to unpin (default: every pinned one, and kiln's override file) */
  services?: string[];
  /** write the pristine backups back wholesale (edits made after baking are refused unless `force`) */
  fromBackup?: boolean;
  force?: boolean;
  /** pins made in another folder: `build:` back from the last commit that has it */
  fromGit?: boolean;
  /** kiln's notes (default: dropped) */
  log?: (line: string) => void;
}

/** `kiln restore`: each pinned service's `build:` back, keeping the edits made after baking */
export async function restore(options: RestoreOptions = {}): Promise<RestoreReport> {
  return restoreProject(
    {
      globals: projectRequest(options),
      env: options.env ?? process.env,
      services: options.services ?? [],
      ...(options.fromBackup ? { fromBackup: true } : {}),
      ...(options.force ? { force: true } : {}),
      ...(options.fromGit ? { fromGit: true } : {}),
    },
    libraryPorts(options),
  );
}
