/**
 * Detects, once per run, the docker client kiln builds with and its BuildKit mode:
 *  - "buildx": the buildx CLI plugin is present (`docker buildx build --load`) — the main path;
 *  - "legacy": a ≤ 22 client with DOCKER_BUILDKIT=1 and plain progress (Debian's 20.10 docker).
 * A newer client without buildx cannot use BuildKit at all: that is ERR_KILN_NO_BUILDKIT.
 * KILN_DOCKER picks the client; KILN_BUILD_MODE=buildx|legacy forces a mode. In buildx mode with
 * a client found on PATH, builds call the buildx plugin binary directly, as the client would call
 * it (buildx-plugin.ts); KILN_BUILDX_DIRECT=0 keeps them on `docker buildx build`.
 */
import { accessSync, constants, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { KilnError } from "../../core/errors.js";
import { runProcess, type ProcessRunner } from "../process-runner.js";
import type { EngineProduct } from "../../core/engine/traits.js";
import { engineProductOf } from "./engine-traits.js";
import { checkBuilderUsable, inspectBuilder, selectedBuilder, type BuilderInfo } from "./builder.js";
import { findBuildxPlugin, pluginCall, type PluginLookupFs } from "./buildx-plugin.js";
import { detectWithDiskCache } from "./client-cache.js";

export type { BuildMode } from "../../core/build/docker-build-args.js";
import type { BuildMode } from "../../core/build/docker-build-args.js";

export interface DockerClient {
  /** the client binary */
  path: string;
  version: string;
  mode: BuildMode;
  buildxVersion?: string;
  /** mode "podman": the engine is Podman (KILN_ENGINE=podman, or its API's version answer) */
  /** argv prefix for every call (`[path]` or `[path, "--context", name]`) */
  argv: string[];
  /** environment for build calls (DOCKER_BUILDKIT=1 in legacy mode) */
  env: NodeJS.ProcessEnv;
  /** the buildx builder selected with --builder / BUILDX_BUILDER (absent: the engine's own) */
  builder?: BuilderInfo;
  /**
   * the buildx plugin binary `docker buildx` runs: builds call it directly (buildx-plugin.ts
   * `pluginCall`); absent — legacy or Podman mode, KILN_DOCKER, KILN_BUILDX_DIRECT=0, or a plugin
   * the client would not run the same way — builds go through `argv` + `buildx build`
   */
  buildxPlugin?: string;
}

type DockerMode = Exclude<BuildMode, "podman">;

export interface DetectOptions {
  env?: NodeJS.ProcessEnv;
  context?: string;
  runner?: ProcessRunner;
  /** where the buildx plugin is looked up (unit tests inject one; default: the real file system) */
  pluginFs?: PluginLookupFs;
}

const realPluginFs: PluginLookupFs = {
  exists(file) {
    try {
      statSync(file);
      return true;
    } catch (error: unknown) {
      return (error as NodeJS.ErrnoException).code !== "ENOENT";
    }
  },
  readText(file) {
    try {
      return readFileSync(file, "utf8");
    } catch {
      return undefined;
    }
  },
};

function majorOf(version: string): number {
  return Number(/^(\d+)/.exec(version)?.[1] ?? "0");
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** every `docker` on PATH, then Debian's own client */
export function dockerCandidates(env: NodeJS.ProcessEnv): string[] {
  const found: string[] = [];
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, "docker");
    if (executable(file) && !found.includes(file)) found.push(file);
  }
  if (executable("/usr/bin/docker") && !found.includes("/usr/bin/docker")) found.push("/usr/bin/docker");
  return found;
}

async function clientVersion(
  docker: string,
  run: ProcessRunner,
  env: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  try {
    const r = await run([docker, "version", "--format", "{{json .Client}}"], {
      env,
      allowFailure: true,
      timeoutMs: 20_000,
    });
    const first = r.stdout.split("\n").find((l) => l.startsWith("{"));
    if (!first) return undefined;
    return (JSON.parse(first) as { Version?: string }).Version;
  } catch {
    return undefined;
  }
}

/** `buildx version`'s answer through `argv` (`[docker, "buildx"]`, or the plugin called directly) */
async function buildxVersionText(
  argv: readonly string[],
  run: ProcessRunner,
  env: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  try {
    const r = await run([...argv, "version"], { env, allowFailure: true, timeoutMs: 20_000 });
    return r.exitCode === 0 ? r.stdout.trim() : undefined;
  } catch {
    return undefined;
  }
}

function parseBuildxVersion(text: string): string {
  return /buildx\s+v?(\S+)/.exec(text)?.[1] ?? text;
}

async function probe(
  docker: string,
  run: ProcessRunner,
  env: NodeJS.ProcessEnv,
  forced: DockerMode | undefined,
): Promise<
  | { version: string; mode: DockerMode; buildx?: string; buildxText?: string }
  | { version?: string; reason: string }
> {
  const version = await clientVersion(docker, run, env);
  if (version === undefined) return { reason: `${docker} did not answer \`docker version\`` };
  if (forced !== "legacy") {
    const text = await buildxVersionText([docker, "buildx"], run, env);
    if (text !== undefined)
      return { version, mode: "buildx", buildx: parseBuildxVersion(text), buildxText: text };
    if (forced === "buildx") return { version, reason: `${docker} has no buildx plugin` };
  }
  if (majorOf(version) <= 22) return { version, mode: "legacy" };
  return {
    version,
    reason: `${docker} (${version}) has no buildx plugin and is too new for DOCKER_BUILDKIT=1`,
  };
}

/**
 * The plugin `docker buildx` runs, when kiln can call it the same way: found where the client
 * looks (buildx-plugin.ts), and answering `buildx version` called directly exactly as it answered
 * through the client — a client that looks elsewhere (another build of the CLI, a wrapper script
 * that changes the call) answers differently, and its builds keep going through it.
 */
async function directPlugin(
  client: DockerClient,
  viaClient: string,
  run: ProcessRunner,
  fs: PluginLookupFs,
): Promise<string | undefined> {
  if (process.platform === "win32") return undefined;
  const { plugin } = findBuildxPlugin(client.env, fs);
  if (plugin === undefined) return undefined;
  const call = pluginCall(client, plugin);
  const direct = await buildxVersionText([...call.argv, "buildx"], run, call.env);
  return direct === viaClient ? plugin : undefined;
}

export const NO_BUILDKIT_HINT =
  "install the buildx CLI plugin (Debian: `apt-get install docker-buildx`; in a kiln checkout: `sudo scripts/dev-engine.sh`), " +
  "or point KILN_DOCKER at a docker client version 22 or older, which builds with DOCKER_BUILDKIT=1 (e.g. KILN_DOCKER=/usr/bin/docker)";

export async function detectClient(options: DetectOptions = {}): Promise<DockerClient> {
  const env = options.env ?? process.env;
  const run = options.runner ?? runProcess;
  const forcedRaw = env.KILN_BUILD_MODE;
  if (forcedRaw !== undefined && forcedRaw !== "buildx" && forcedRaw !== "legacy") {
    throw new KilnError("ERR_KILN_USAGE", `KILN_BUILD_MODE must be buildx or legacy, not "${forcedRaw}"`, {
      hint: "unset KILN_BUILD_MODE to detect the mode, or set it to buildx (the buildx plugin) or legacy (a ≤ 22 client with DOCKER_BUILDKIT=1)",
    });
  }
  const forced = forcedRaw;
  const candidates = env.KILN_DOCKER ? [env.KILN_DOCKER] : dockerCandidates(env);
  if (candidates.length === 0) {
    throw new KilnError("ERR_KILN_NO_DOCKER_CLIENT", "no docker client found on PATH", {
      hint: "install the docker CLI (Debian: `apt-get install docker.io`) or set KILN_DOCKER to its path",
    });
  }
  const reasons: string[] = [];
  for (const docker of candidates) {
    const r = await probe(docker, run, env, forced);
    if ("mode" in r) {
      const argv = options.context ? [docker, "--context", options.context] : [docker];
      const buildEnv = r.mode === "legacy" ? { ...env, DOCKER_BUILDKIT: "1" } : env;
      const client: DockerClient = {
        path: docker,
        version: r.version,
        mode: r.mode,
        ...(r.buildx ? { buildxVersion: r.buildx } : {}),
        argv,
        env: buildEnv,
      };
      const plugin =
        r.buildxText !== undefined && !env.KILN_DOCKER
          ? await directPlugin(client, r.buildxText, run, options.pluginFs ?? realPluginFs)
          : undefined;
      return plugin === undefined ? client : { ...client, buildxPlugin: plugin };
    }
    reasons.push(r.reason);
  }
  throw new KilnError("ERR_KILN_NO_BUILDKIT", `no BuildKit-capable docker client: ${reasons.join("; ")}`, {
    hint: NO_BUILDKIT_HINT,
  });
}

const memo = new Map<string, Promise<DockerClient>>();

/**
 * detectClient, once per process for the same selection — and across processes through a small
 * cache file in kiln's state root, keyed by everything the answer depends on (cacheKey), so a
 * no-op bake spawns nothing to learn how it would build — nor where the buildx plugin is.
 */
export function dockerClient(options: DetectOptions = {}): Promise<DockerClient> {
  const env = options.env ?? process.env;
  const key = [
    env.KILN_DOCKER,
    env.KILN_BUILD_MODE,
    env.KILN_ENGINE,
    env.DOCKER_HOST,
    env.PATH,
    options.context,
    selectedBuilder(env),
    env.KILN_BUILDX_DIRECT,
  ].join("|");
  let hit = memo.get(key);
  if (!hit) {
    hit = engineProduct(options, env).then(async (product) => {
      if (product === "podman") return withBuilder(await podmanClient(options, env), env, options.runner);
      const base = await (options.runner
        ? detectClient(options)
        : detectWithDiskCache(options, env, {
            detect: () => detectClient(options),
            candidates: dockerCandidates,
            pluginFs: options.pluginFs ?? realPluginFs,
          }));
      return withBuilder(withoutDirectCall(base, env), env, options.runner);
    });
    hit.catch(() => memo.delete(key));
    memo.set(key, hit);
  }
  return hit;
}

/** KILN_BUILDX_DIRECT=0: builds go through `docker buildx build` even where the plugin could be called */
function withoutDirectCall(client: DockerClient, env: NodeJS.ProcessEnv): DockerClient {
  if (env.KILN_BUILDX_DIRECT !== "0" || client.buildxPlugin === undefined) return client;
  const { buildxPlugin: _plugin, ...rest } = client;
  void _plugin;
  return rest;
}

/** attaches the selected buildx builder, refusing one kiln cannot build with */
async function withBuilder(
  client: DockerClient,
  env: NodeJS.ProcessEnv,
  runner?: ProcessRunner,
): Promise<DockerClient> {
  const name = selectedBuilder(env);
  if (name === undefined) return client;
  if (client.mode === "podman") {
    throw new KilnError(
      "ERR_KILN_BUILDER",
      `buildx builder "${name}" is selected (--builder / BUILDX_BUILDER) but the engine is Podman, which builds with \`podman build\` (Buildah), not buildx`,
      { hint: "drop --builder / BUILDX_BUILDER on Podman, or point DOCKER_HOST at a Docker engine" },
    );
  }
  if (client.mode !== "buildx") {
    throw new KilnError(
      "ERR_KILN_BUILDER",
      `buildx builder "${name}" is selected (--builder / BUILDX_BUILDER) but ${client.path} builds without buildx (legacy DOCKER_BUILDKIT=1 mode)`,
      {
        hint: "install the buildx CLI plugin (Debian: `apt-get install docker-buildx`), or drop --builder / BUILDX_BUILDER",
      },
    );
  }
  const builder = await inspectBuilder(client.argv, name, env, runner);
  await checkBuilderUsable(builder, env);
  return { ...client, builder };
}

/**
 * Docker or Podman? KILN_ENGINE=docker|podman says so; otherwise the engine's own version
 * answer (Podman's compatible API lists a "Podman Engine" component) — one API call, no spawn.
 * An engine that does not answer is taken for Docker: the build then reports it unreachable.
 */
async function engineProduct(options: DetectOptions, env: NodeJS.ProcessEnv): Promise<EngineProduct> {
  const forced = env.KILN_ENGINE;
  if (forced !== undefined && forced !== "") {
    if (forced !== "docker" && forced !== "podman") {
      throw new KilnError("ERR_KILN_USAGE", `KILN_ENGINE must be docker or podman, not "${forced}"`, {
        hint: "unset KILN_ENGINE to detect the engine from its API, or set it to docker or podman",
      });
    }
    return forced;
  }
  if (options.runner) return "docker";
  return (
    (await engineProductOf({ env, ...(options.context ? { context: options.context } : {}) })) ?? "docker"
  );
}

function podmanCandidates(env: NodeJS.ProcessEnv): string[] {
  if (env.KILN_PODMAN) return [env.KILN_PODMAN];
  return (env.PATH ?? "")
    .split(path.delimiter)
    .filter(Boolean)
    .map((dir) => path.join(dir, "podman"))
    .filter(executable);
}

/** the local `podman` CLI builds; it shares storage with the API service kiln reads images from */
async function podmanClient(options: DetectOptions, env: NodeJS.ProcessEnv): Promise<DockerClient> {
  const podman = podmanCandidates(env)[0];
  if (podman === undefined) {
    throw new KilnError(
      "ERR_KILN_NO_BUILDKIT",
      "the engine is Podman but no podman CLI is on PATH to build with",
      {
        hint: "install it (Debian: `apt-get install podman`; in a kiln checkout: `bash scripts/podman-engine.sh`) or set KILN_PODMAN to its path",
      },
    );
  }
  const run = options.runner ?? runProcess;
  const r = await run([podman, "--version"], { env, allowFailure: true, timeoutMs: 20_000 });
  const version = /version\s+(\S+)/.exec(r.stdout)?.[1];
  if (r.exitCode !== 0 || version === undefined) {
    throw new KilnError("ERR_KILN_NO_BUILDKIT", `${podman} did not answer \`podman --version\``, {
      hint: "check the podman installation (`podman info`)",
    });
  }
  return { path: podman, version, mode: "podman", argv: [podman], env };
}
