/**
 * One place to get the engine and the docker client for a run, memoized: the endpoint is
 * resolved without spawning; clients are detected only when a command needs them.
 */
import { runProcess, type ProcessRunner } from "../process-runner.js";
import { EngineApi } from "./api.js";
import { ApiEngine } from "./api-engine.js";
import { CliEngine } from "./cli-engine.js";
import { resolveEndpoint, type Endpoint } from "./endpoint.js";
import type { Engine } from "./engine-types.js";

export type { Engine } from "./engine-types.js";
export { resolveEndpoint } from "./endpoint.js";

export interface EngineSelection {
  env?: NodeJS.ProcessEnv;
  /** --context */
  context?: string;
  runner?: ProcessRunner;
}

const cache = new Map<string, Engine>();

export function endpointFor(selection: EngineSelection = {}): Endpoint {
  return resolveEndpoint(selection.env ?? process.env, selection.context);
}

export function getEngine(selection: EngineSelection = {}): Engine {
  const env = selection.env ?? process.env;
  const endpoint = endpointFor(selection);
  const key = `${endpoint.host}|${endpoint.context ?? ""}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const docker = env.KILN_DOCKER ?? "docker";
  const engine = EngineApi.canUse(endpoint)
    ? new ApiEngine(new EngineApi(endpoint))
    : new CliEngine(
        endpoint.context ? [docker, "--context", endpoint.context] : [docker],
        selection.runner ?? runProcess,
        endpoint.host,
        env,
      );
  cache.set(key, engine);
  return engine;
}
