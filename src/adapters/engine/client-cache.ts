/**
 * The docker client detection's cache file (docker-client.json in kiln's state root), keyed by
 * everything the answer depends on, so that a no-op bake spawns nothing to learn how it would
 * build — nor where the buildx plugin is.
 */
import { readFileSync, statSync } from "node:fs";
import { writeCacheFile } from "../fs/cache-file.js";
import path from "node:path";
import { kilnStateRoot } from "../state/state-dir.js";
import {
  BUILDX_PLUGIN,
  dockerConfigDir,
  findBuildxPlugin,
  pluginSearchDirs,
  type PluginLookupFs,
} from "./buildx-plugin.js";
import type { DetectOptions, DockerClient } from "./client.js";

function statKey(file: string): string {
  try {
    const s = statSync(file);
    return `${s.size}:${s.mtimeMs}:${s.ino}`;
  } catch {
    return "-";
  }
}

/**
 * Everything a detection depends on: the selection, PATH, and the stat of every candidate client,
 * of config.json (its cliPluginsExtraDirs) and of every `docker-buildx` the plugin lookup tries —
 * `extraDirs` are the config's extra plugin folders as read for the entry the key is checked against
 */
function cacheKey(
  options: DetectOptions,
  env: NodeJS.ProcessEnv,
  extraDirs: readonly string[],
  candidates: (env: NodeJS.ProcessEnv) => string[],
): string {
  const files = [...(env.KILN_DOCKER ? [env.KILN_DOCKER] : candidates(env))];
  files.push(path.join(dockerConfigDir(env), "config.json"));
  for (const dir of pluginSearchDirs(env, extraDirs)) files.push(path.join(dir, BUILDX_PLUGIN));
  return JSON.stringify([
    env.KILN_DOCKER,
    env.KILN_BUILD_MODE,
    env.PATH,
    options.context,
    files.map((f) => `${f}=${statKey(f)}`),
  ]);
}

interface CachedClient {
  key: string;
  /** config.json's cliPluginsExtraDirs when the entry was written (they decide the key's files) */
  extraDirs?: string[];
  client: Omit<DockerClient, "env">;
}

/** what a detection needs from client.ts: the detection itself, the clients on PATH, the plugin lookup's files */
export interface DetectionSource {
  detect: () => Promise<DockerClient>;
  candidates: (env: NodeJS.ProcessEnv) => string[];
  pluginFs: PluginLookupFs;
}

/** the detection, from the cache file in kiln's state root while its key still holds */
export async function detectWithDiskCache(
  options: DetectOptions,
  env: NodeJS.ProcessEnv,
  source: DetectionSource,
): Promise<DockerClient> {
  const file = path.join(kilnStateRoot(env), "docker-client.json");
  try {
    const cached = JSON.parse(readFileSync(file, "utf8")) as CachedClient;
    if (cached.key === cacheKey(options, env, cached.extraDirs ?? [], source.candidates)) {
      const c = cached.client;
      return { ...c, env: c.mode === "legacy" ? { ...env, DOCKER_BUILDKIT: "1" } : env };
    }
  } catch {
    // no cache yet, or unreadable: detect
  }
  // the key is taken before detecting: whatever changes meanwhile makes the next run detect again
  const configFile = path.join(dockerConfigDir(env), "config.json");
  const configBefore = statKey(configFile);
  const extraDirs = findBuildxPlugin(env, source.pluginFs).extraDirs ?? [];
  const key = cacheKey(options, env, extraDirs, source.candidates);
  const client = await source.detect();
  if (statKey(configFile) !== configBefore) return client;
  const plain: Omit<DockerClient, "env"> & { env?: unknown } = { ...client };
  delete plain.env;
  const entry: CachedClient = { key, extraDirs, client: plain };
  // a cache we cannot write only costs time
  writeCacheFile(file, JSON.stringify(entry));
  return client;
}
