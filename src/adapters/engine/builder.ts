/**
 * The buildx builder selected with `--builder NAME` / BUILDX_BUILDER: learnt once per run from
 * `docker buildx inspect NAME`, and checked before the first build — a docker-container builder
 * whose BuildKit image is not on its engine would otherwise try to pull it and fail deep inside
 * buildx's bootstrap.
 */
import { KilnError } from "../../core/errors.js";
import {
  buildkitImageNeeded,
  parseBuilderInspect,
  type BuilderInfo,
} from "../../core/build/builder-inspect.js";
import { ProcessError, runProcess, type ProcessRunner } from "../process-runner.js";
import { getEngine } from "./index.js";

export type { BuilderInfo } from "../../core/build/builder-inspect.js";

/** the builder the run selects: BUILDX_BUILDER (the CLI's --builder sets it), as buildx reads it */
export function selectedBuilder(env: NodeJS.ProcessEnv): string | undefined {
  const name = env.BUILDX_BUILDER?.trim();
  return name ? name : undefined;
}

const memo = new Map<string, Promise<BuilderInfo>>();

export function inspectBuilder(
  argv: readonly string[],
  name: string,
  env: NodeJS.ProcessEnv,
  runner: ProcessRunner = runProcess,
): Promise<BuilderInfo> {
  const key = JSON.stringify([argv, name, env.DOCKER_CONFIG, env.DOCKER_HOST]);
  let hit = memo.get(key);
  if (!hit) {
    hit = inspect(argv, name, env, runner);
    hit.catch(() => memo.delete(key));
    memo.set(key, hit);
  }
  return hit;
}

async function inspect(
  argv: readonly string[],
  name: string,
  env: NodeJS.ProcessEnv,
  runner: ProcessRunner,
): Promise<BuilderInfo> {
  try {
    const r = await runner([...argv, "buildx", "inspect", name], { env, timeoutMs: 30_000 });
    const info = parseBuilderInspect(r.stdout);
    if (!info.driver) {
      throw new KilnError("ERR_KILN_BUILDER", `unexpected answer from docker buildx inspect ${name}`, {
        hint: "check `docker buildx inspect NAME` by hand (the buildx plugin must be installed)",
      });
    }
    return info;
  } catch (error: unknown) {
    const text = error instanceof ProcessError ? error.stderrTail : String(error);
    if (/no builder .* found|not found/.test(text)) {
      throw new KilnError("ERR_KILN_BUILDER", `buildx builder "${name}" does not exist`, {
        cause: error,
        hint: "list builders with `docker buildx ls`; create one with `docker buildx create --name NAME`, or drop --builder / BUILDX_BUILDER to use the engine's own builder",
      });
    }
    throw new KilnError("ERR_KILN_BUILDER", `cannot inspect buildx builder "${name}": ${text.trim()}`, {
      cause: error,
      hint: "check `docker buildx inspect NAME` by hand (the buildx plugin must be installed)",
    });
  }
}

function engineSelection(
  endpoint: string,
  env: NodeJS.ProcessEnv,
): { env: NodeJS.ProcessEnv; context?: string } {
  if (/^[a-z]+:\/\//.test(endpoint)) return { env: { ...env, DOCKER_HOST: endpoint } };
  return { env, ...(endpoint && endpoint !== "default" ? { context: endpoint } : {}) };
}

/**
 * Refuses a builder kiln knows cannot build offline: a docker-container node that is not
 * running yet whose BuildKit image its engine does not have (buildx would pull it).
 */
export async function checkBuilderUsable(info: BuilderInfo, env: NodeJS.ProcessEnv): Promise<void> {
  for (const node of info.nodes) {
    const image = buildkitImageNeeded(info, node);
    if (image === undefined) continue;
    const engine = getEngine(engineSelection(node.endpoint, env));
    let present: boolean;
    try {
      present = (await engine.imageInspect(image)) !== undefined;
    } catch {
      continue; // an engine that does not answer: buildx will say so itself
    }
    if (present) continue;
    throw new KilnError(
      "ERR_KILN_BUILDER_IMAGE_MISSING",
      `buildx builder "${info.name}" (driver docker-container) needs the BuildKit image ${image} on ${node.endpoint}, which does not have it — buildx would try to pull it to start the builder`,
      {
        hint:
          `get the image onto that engine: \`docker pull ${image}\` where a registry is reachable, or ` +
          `\`docker save ${image} -o buildkit.tar\` on a machine that has it and \`docker load -i buildkit.tar\` here; ` +
          `or recreate the builder with a local image (\`docker buildx create --name ${info.name} --driver docker-container --driver-opt image=LOCAL_IMAGE\`); ` +
          `or build on the engine's own builder (drop --builder / BUILDX_BUILDER)`,
      },
    );
  }
}
