/**
 * A docker-driver buildx builder is a docker context: building there loads the image into that
 * context's engine, so everything else kiln does in the run (fresh checks, tags, pins, volumes)
 * must talk to the same engine. This turns `--builder NAME` into the engine selection — before
 * the run's ports exist, so the CLI's composition root (its runtime.ts) calls it, not a use case.
 */
import { KilnError } from "../../core/errors.js";
import { dockerDriverContext } from "../../core/build/builder-inspect.js";
import { inspectBuilder, selectedBuilder } from "./builder.js";

export async function builderContext(
  request: { context?: string },
  env: NodeJS.ProcessEnv,
): Promise<{ context?: string }> {
  const name = selectedBuilder(env);
  if (name === undefined) return {};
  const docker = env.KILN_DOCKER ?? "docker";
  const argv = request.context ? [docker, "--context", request.context] : [docker];
  const info = await inspectBuilder(argv, name, env);
  const context = dockerDriverContext(info);
  if (context === undefined || context === request.context) return {};
  if (request.context !== undefined) {
    throw new KilnError(
      "ERR_KILN_USAGE",
      `builder "${name}" is the docker driver of context "${context}", but --context ${request.context} was given: the image would be built on one engine and looked for on another`,
      {
        hint: `drop --context (kiln then uses context ${context}), or pick a builder of context ${request.context}`,
      },
    );
  }
  return { context };
}
