/**
 * The engine section of `kiln doctor`: endpoint, server version, BuildKit client mode,
 * compose variant, free space of the engine's data root.
 */
import { statfsSync } from "node:fs";
import { KilnError } from "../../core/errors.js";
import { describeEngine, engineSupport, engineTraits } from "../../core/engine/traits.js";
import type { CheckResult } from "../../core/doctor/check.js";
import { engineHint } from "../engine/api.js";
import { dockerClient, type DockerClient } from "../engine/client.js";
import { detectCompose } from "../engine/compose-cli.js";
import { endpointFor, getEngine } from "../engine/index.js";

const GiB = 1024 ** 3;

export interface EngineCheckOptions {
  env: NodeJS.ProcessEnv;
  context?: string;
}

export async function engineChecks(
  options: EngineCheckOptions,
): Promise<{ checks: CheckResult[]; reachable: boolean }> {
  const checks: CheckResult[] = [];
  const sel = { env: options.env, ...(options.context ? { context: options.context } : {}) };
  let endpoint;
  try {
    endpoint = endpointFor(sel);
  } catch (error: unknown) {
    const e = error instanceof KilnError ? error : undefined;
    checks.push({
      id: "engine.reachable",
      status: "fail",
      message: e?.message ?? String(error),
      hint: e?.hint ?? "check DOCKER_HOST / docker context",
    });
    return { checks, reachable: false };
  }
  const engine = getEngine(sel);
  let reachable = false;
  let rootDir = "";
  try {
    const v = await engine.version();
    reachable = true;
    checks.push({
      id: "engine.reachable",
      status: "ok",
      message: `engine at ${endpoint.host} (${endpoint.source}) answers`,
    });
    const info = await engine.info();
    rootDir = info.dockerRootDir;
    const traits = engineTraits(v, info);
    const support = engineSupport(traits);
    checks.push({
      id: "engine.version",
      status: support.refusal ? "fail" : "ok",
      message: `${describeEngine(traits)}; API ${v.apiVersion}, ${v.os}/${v.arch}${support.refusal ? ` — ${support.refusal.message}` : ""}`,
      ...(support.refusal?.hint ? { hint: support.refusal.hint } : {}),
    });
    for (const note of support.notes) checks.push({ id: "engine.kind", status: "ok", message: note });
  } catch {
    checks.push({
      id: "engine.reachable",
      status: "fail",
      message: `cannot reach the Docker engine at ${endpoint.host} (${endpoint.source})`,
      hint: engineHint(endpoint),
    });
  }

  try {
    const client = await dockerClient(sel);
    checks.push({
      id: "client.buildkit",
      status: "ok",
      message:
        client.mode === "podman"
          ? `${client.path} ${client.version}: podman build --layers (Buildah)`
          : client.mode === "buildx"
            ? `${client.path} ${client.version} with buildx ${client.buildxVersion ?? ""} (${buildCommand(client)})`.replace(
                /\s+\(/,
                " (",
              )
            : `${client.path} ${client.version}, legacy BuildKit (DOCKER_BUILDKIT=1, plain progress)`,
    });
    if (client.builder) {
      checks.push({
        id: "client.builder",
        status: "ok",
        message: `buildx builder ${client.builder.name} (driver ${client.builder.driver}; ${client.builder.nodes
          .map((n) => `${n.endpoint} ${n.status}`)
          .join(", ")}), selected by --builder / BUILDX_BUILDER`,
      });
    }
  } catch (error: unknown) {
    const e = error instanceof KilnError ? error : undefined;
    checks.push({
      id: "client.buildkit",
      status: "fail",
      message: e?.message ?? String(error),
      ...(e?.hint ? { hint: e.hint } : {}),
    });
  }

  const compose = await detectCompose({ env: options.env });
  checks.push(
    compose
      ? {
          id: "compose.variant",
          status: "ok",
          message: `compose ${compose.variant} ${compose.version} (${compose.argv.join(" ")})`,
        }
      : {
          id: "compose.variant",
          status: "warn",
          message: "no docker compose found: kiln can bake, but `kiln up` cannot start services",
          hint: "install the compose v2 plugin (in a kiln checkout: `sudo scripts/dev-engine.sh`)",
        },
  );

  if (reachable) checks.push(diskCheck(rootDir, endpoint.host));
  return { checks, reachable };
}

/** how a buildx build is started: the plugin called directly (KILN_BUILDX_DIRECT), or through docker */
function buildCommand(client: DockerClient): string {
  return client.buildxPlugin
    ? `${client.buildxPlugin} buildx build --load, called directly`
    : "docker buildx build --load";
}

function diskCheck(rootDir: string, host: string): CheckResult {
  if (!host.startsWith("unix://") || rootDir === "") {
    return {
      id: "engine.disk",
      status: "ok",
      message: `free space of a remote engine's data root is not measured (${host})`,
    };
  }
  try {
    const s = statfsSync(rootDir);
    const free = s.bavail * s.bsize;
    const text = `${(free / GiB).toFixed(1)} GiB free in ${rootDir}`;
    if (free < 1 * GiB)
      return {
        id: "engine.disk",
        status: "fail",
        message: text,
        hint: "free space: `docker image prune` and `docker builder prune --keep-storage 5g`",
      };
    if (free < 5 * GiB)
      return { id: "engine.disk", status: "warn", message: text, hint: "free space: `docker image prune`" };
    return { id: "engine.disk", status: "ok", message: text };
  } catch {
    return {
      id: "engine.disk",
      status: "ok",
      message: `data root ${rootDir} is not visible from this machine`,
    };
  }
}
