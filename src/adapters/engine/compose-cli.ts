/**
 * Which compose the user has: the v2 plugin (`docker compose`), a standalone binary
 * (`docker-compose`, v1.29 or v2), or none. KILN_COMPOSE=v1|v2 forces a choice.
 */
import { KilnError } from "../../core/errors.js";
import type { ComposeVariant } from "../../core/compose/model.js";
import { runProcess, type ProcessRunner } from "../process-runner.js";

export interface ComposeCli {
  /**
   * "podman-compose": Debian's podman-compose 1.0 (KILN_COMPOSE=podman-compose, or when no docker
   * compose exists): only `-p` and `-f`, so kiln runs it in the project directory and refuses
   * env files / profiles; v1 semantics (`<project>_<service>` names, no `!reset`)
   */
  tool?: "docker-compose" | "podman-compose";
  variant: ComposeVariant;
  version: string;
  /** argv prefix: `["docker", "compose"]` or `["docker-compose"]` */
  argv: string[];
  /** environment for compose calls: v1 needs DOCKER_BUILDKIT=1 COMPOSE_DOCKER_CLI_BUILD=1 */
  env: NodeJS.ProcessEnv;
}

async function versionOf(
  argv: string[],
  run: ProcessRunner,
  env: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  try {
    const r = await run([...argv, "version", "--short"], { env, allowFailure: true, timeoutMs: 20_000 });
    return r.exitCode === 0 ? r.stdout.trim().replace(/^v/, "") : undefined;
  } catch {
    return undefined;
  }
}

export async function detectCompose(
  options: { env?: NodeJS.ProcessEnv; runner?: ProcessRunner; docker?: string } = {},
): Promise<ComposeCli | undefined> {
  const env = options.env ?? process.env;
  const run = options.runner ?? runProcess;
  const docker = options.docker ?? env.KILN_DOCKER ?? "docker";
  const forced = env.KILN_COMPOSE;
  if (forced === "podman-compose") return podmanCompose(run, env);
  if (forced !== undefined && forced !== "" && forced !== "v1" && forced !== "v2") {
    throw new KilnError("ERR_KILN_USAGE", `KILN_COMPOSE must be v1, v2 or podman-compose, not "${forced}"`, {
      hint: "unset KILN_COMPOSE to use the compose found (the v2 plugin first), or set it to v1, v2 or podman-compose",
    });
  }
  if (forced !== "v1") {
    const v = await versionOf([docker, "compose"], run, env);
    if (v !== undefined) return { variant: "v2", version: v, argv: [docker, "compose"], env };
  }
  if (forced !== "v2") {
    const v = await versionOf(["docker-compose"], run, env);
    if (v !== undefined) {
      const variant: ComposeVariant = v.startsWith("1.") ? "v1" : "v2";
      const composeEnv =
        variant === "v1" ? { ...env, DOCKER_BUILDKIT: "1", COMPOSE_DOCKER_CLI_BUILD: "1" } : env;
      return { variant, version: v, argv: ["docker-compose"], env: composeEnv };
    }
  }
  return forced === undefined ? podmanCompose(run, env) : undefined;
}

async function podmanCompose(run: ProcessRunner, env: NodeJS.ProcessEnv): Promise<ComposeCli | undefined> {
  try {
    // 1.0.3 has no `version --short`; `-v` prints "podman-composer version  1.0.3" among podman's own lines
    const r = await run(["podman-compose", "-v"], { env, allowFailure: true, timeoutMs: 20_000 });
    const v = /podman-compose\w* version:?\s+(\S+)/.exec(r.stdout)?.[1];
    if (r.exitCode !== 0 || v === undefined) return undefined;
    return { tool: "podman-compose", variant: "v1", version: v, argv: ["podman-compose"], env };
  } catch {
    return undefined;
  }
}

export async function requireCompose(
  options: { env?: NodeJS.ProcessEnv; runner?: ProcessRunner } = {},
): Promise<ComposeCli> {
  const c = await detectCompose(options);
  if (!c) {
    throw new KilnError(
      "ERR_KILN_NO_COMPOSE",
      "no docker compose found (neither the v2 plugin nor docker-compose)",
      {
        hint: "install the compose v2 plugin (Debian: `apt-get install docker-compose-plugin` or docker-compose; in a kiln checkout: `sudo scripts/dev-engine.sh`)",
      },
    );
  }
  return c;
}
