/**
 * The project section of `kiln doctor`: compose files, pins and their images, freshness,
 * backups, kiln's own leftovers, containers, volumes, contexts and lint findings.
 */
import type { CheckResult } from "../../core/doctor/check.js";
import { devcontainerChecks } from "./checks/devcontainer-checks.js";
import { KilnError } from "../../core/errors.js";
import type { ProjectRequest } from "../request.js";
import { projectStatus } from "../status.js";
import { extraLabels } from "../project-images.js";
import { endpointFor, getEngine } from "../../adapters/engine/index.js";
import { VolumeTransfer } from "../../adapters/volumes/volume-transfer.js";
import { loadProject } from "../../adapters/project-loader.js";
import { loadOptions } from "../open-project.js";
import { projectStateDir, stateDirError } from "../../adapters/state/state-dir.js";
import { backupChecks, gitChecks, serviceChecks } from "./checks/pin-checks.js";
import { contextChecks } from "./checks/context-checks.js";
import { containerChecks, volumeChecks } from "./checks/runtime-checks.js";
import { cacheAccessChecks } from "./checks/cache-access-checks.js";
import { stateChecks } from "./checks/state-checks.js";

export interface ProjectCheckOptions {
  globals: ProjectRequest;
  env: NodeJS.ProcessEnv;
  fix: boolean;
  engineReachable: boolean;
  /** kiln's notes while opening the project (default: dropped) */
  log?: (line: string) => void;
}

function failFrom(id: string, caught: unknown, env: NodeJS.ProcessEnv): CheckResult {
  const error = stateDirError(caught, env) ?? caught;
  if (error instanceof KilnError) {
    return {
      id,
      status: "fail",
      message: `${error.location ? `${error.location}: ` : ""}${error.message}`,
      ...(error.hint ? { hint: error.hint } : {}),
    };
  }
  return {
    id,
    status: "fail",
    message: error instanceof Error ? error.message : String(error),
    hint: "rerun with --debug and report it",
  };
}

/** the engine's HTTP API, when kiln can reach it directly (not over ssh) */
function volumeTransfer(env: NodeJS.ProcessEnv, context: string | undefined): VolumeTransfer | undefined {
  try {
    return new VolumeTransfer(endpointFor({ env, ...(context ? { context } : {}) }), env);
  } catch {
    return undefined;
  }
}

export async function projectChecks(options: ProjectCheckOptions): Promise<CheckResult[]> {
  const { globals, env, fix } = options;
  let model;
  try {
    model = await loadProject(loadOptions(globals, env));
  } catch (error: unknown) {
    if (
      error instanceof KilnError &&
      error.code === "ERR_KILN_COMPOSE_NOT_FOUND" &&
      globals.files.length === 0 &&
      globals.devcontainer === undefined
    ) {
      return [
        {
          id: "compose.project",
          status: "ok",
          message: `no compose project in ${globals.projectDir} (engine checks only)`,
        },
      ];
    }
    return [failFrom("compose.project", error, env)];
  }
  const checks: CheckResult[] = [
    {
      id: "compose.project",
      status: "ok",
      message: `project ${model.name}: ${model.files.length} compose file(s) parse and validate${model.devcontainer ? ` (devcontainer ${model.devcontainer.configPath})` : ""}`,
    },
  ];
  if (model.devcontainer?.service && !model.allServices.some((s) => s.name === model.devcontainer?.service)) {
    checks.push({
      id: "devcontainer.service",
      status: "fail",
      message: `${model.devcontainer.configPath} names service "${model.devcontainer.service}", which is not in ${model.files.join(", ")}`,
      hint: `fix "service" in ${model.devcontainer.configPath}`,
    });
  }
  const stateDir = projectStateDir(model.projectDir, env);
  checks.push(...stateChecks(stateDir, fix));
  if (!options.engineReachable) return checks;

  try {
    const status = await projectStatus(globals, env, options.log ?? (() => undefined));
    const engine = getEngine({ env, ...(globals.context ? { context: globals.context } : {}) });
    checks.push(...serviceChecks(status.services));
    checks.push(...(await devcontainerChecks(status, env)));
    checks.push(...backupChecks(status.opened));
    checks.push(...(await gitChecks(status.opened)));
    checks.push(...(await containerChecks(engine, status.opened.model, status.services)));
    checks.push(...(await volumeChecks(engine, status.opened.model, fix, extraLabels(env))));
    const transfer = volumeTransfer(env, globals.context);
    if (transfer) checks.push(...(await cacheAccessChecks(engine, transfer, status.opened.model)));
    checks.push(...contextChecks(status.opened.model, status.manifests, fix));
  } catch (error: unknown) {
    checks.push(failFrom("project.status", error, env));
  }
  return checks;
}
