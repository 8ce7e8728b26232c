/**
 * The project section of `kiln doctor`: compose files, pins and their images, freshness,
 * backups, kiln's own leftovers, containers, volumes, contexts and lint findings.
 */
import type { CheckResult } from "../../core/doctor/check.js";
import { devcontainerChecks } from "./checks/devcontainer-checks.js";
import { KilnError } from "../../core/errors.js";
import type { ProjectRequest } from "../request.js";
import { projectStatus, type StatusPorts } from "../status.js";
import type { Ports } from "../ports.js";
import type { VolumeTransfer } from "../../adapters/volumes/volume-transfer.js";
import { extraLabels } from "../project-images.js";
import { loadOptions } from "../open-project.js";
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
  /** the engine, build client and state dir; its log gets kiln's notes while opening the project */
  ports: StatusPorts & Pick<Ports, "volumeTransfer">;
}

function failFrom(
  id: string,
  caught: unknown,
  env: NodeJS.ProcessEnv,
  ports: Pick<Ports, "state">,
): CheckResult {
  const error = ports.state.dirError(caught, env) ?? caught;
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
function volumeTransfer(ports: Pick<Ports, "volumeTransfer">): VolumeTransfer | undefined {
  try {
    return ports.volumeTransfer();
  } catch {
    return undefined;
  }
}

export async function projectChecks(options: ProjectCheckOptions): Promise<CheckResult[]> {
  const { globals, env, fix, ports } = options;
  let model;
  // one read of each project file for the whole doctor run (#14.3): status reuses these
  const files = ports.project.files();
  try {
    model = await ports.project.loadFresh(loadOptions(globals, env), files.io);
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
    return [failFrom("compose.project", error, env, ports)];
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
  const stateDir = ports.state.dir(model.projectDir, env);
  checks.push(...stateChecks(stateDir, ports.state.leftovers(stateDir), fix));
  if (!options.engineReachable) return checks;

  try {
    const status = await projectStatus(globals, env, options.ports, files);
    const engine = options.ports.engine;
    checks.push(...serviceChecks(status.services));
    checks.push(
      ...(await devcontainerChecks(
        status,
        options.ports.builds.client,
        options.ports.devcontainer.imageConfig,
      )),
    );
    checks.push(...backupChecks(status.opened, ports.state.backups(status.opened.stateDir)));
    checks.push(...(await gitChecks(status.opened, ports.project.git)));
    checks.push(...(await containerChecks(engine, status.opened.model, status.services)));
    checks.push(...(await volumeChecks(engine, status.opened.model, fix, extraLabels(env))));
    const transfer = volumeTransfer(options.ports);
    if (transfer) checks.push(...(await cacheAccessChecks(engine, transfer, status.opened.model)));
    checks.push(...contextChecks(status.opened.model, status.manifests, fix));
  } catch (error: unknown) {
    checks.push(failFrom("project.status", error, env, ports));
  }
  return checks;
}
