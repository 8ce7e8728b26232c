/**
 * The buildx CLI plugin, found and called the way the docker CLI finds and calls it, so that a
 * build can skip the docker CLI: `docker buildx build …` starts the docker binary, which runs
 * `docker-buildx docker-cli-plugin-metadata` and only then execs the plugin (#14: ≈55 ms of a
 * cold build's two extra Go processes).
 *
 * Read in docker/cli v28.2.2 (cli-plugins/manager/manager.go `getPluginDirs`, `PluginRunCommand`;
 * cmd/docker/docker.go `tryPluginRun`) and checked with a logging plugin under docker 28.2.2:
 *  - search order: config.json's `cliPluginsExtraDirs` (documented for Docker Scout: absolute
 *    paths), then `$DOCKER_CONFIG/cli-plugins` (`~/.docker/cli-plugins`), then the system dirs;
 *    the first `docker-buildx` whose stat does not say ENOENT is the plugin;
 *  - argv: the plugin, then the docker CLI's own arguments unchanged — global flags such as
 *    `--context NAME` first, then `buildx build …` (the plugin parses docker's global flags);
 *  - environment: the caller's, plus DOCKER_CLI_PLUGIN_ORIGINAL_CLI_COMMAND (the docker CLI's
 *    argv[0]; its presence is what puts the plugin in plugin mode rather than standalone mode)
 *    and OTEL_RESOURCE_ATTRIBUTES gaining `docker.cli.cobra.command_path=docker%20buildx`.
 *    DOCKER_CLI_PLUGIN_SOCKET is not set: that socket only relays the CLI's signals to the plugin,
 *    and kiln signals the build's whole process group itself (process-runner).
 */
import os from "node:os";
import path from "node:path";

export const BUILDX_PLUGIN = "docker-buildx";

/** docker/cli cli-plugins/manager/manager_unix.go defaultSystemPluginDirs */
export const SYSTEM_PLUGIN_DIRS = [
  "/usr/local/lib/docker/cli-plugins",
  "/usr/local/libexec/docker/cli-plugins",
  "/usr/lib/docker/cli-plugins",
  "/usr/libexec/docker/cli-plugins",
];

/** the file system as the lookup needs it (injected by unit tests) */
export interface PluginLookupFs {
  /** false only when the file does not exist (ENOENT), like Go's os.IsNotExist after os.Stat */
  exists(file: string): boolean;
  /** the file's text, or undefined when it cannot be read */
  readText(file: string): string | undefined;
}

/** the docker CLI's config folder: DOCKER_CONFIG when not empty, else ~/.docker */
export function dockerConfigDir(env: NodeJS.ProcessEnv): string {
  return env.DOCKER_CONFIG || path.join(env.HOME || os.homedir(), ".docker");
}

/**
 * config.json's `cliPluginsExtraDirs`: [] without one; undefined when the list holds something
 * kiln cannot resolve as the CLI would (a relative path is relative to the CLI's working folder)
 */
export function extraPluginDirs(configJson: string | undefined): string[] | undefined {
  if (configJson === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(configJson);
  } catch {
    return []; // the CLI warns and goes on with an empty configuration
  }
  const dirs = (parsed as { cliPluginsExtraDirs?: unknown } | null)?.cliPluginsExtraDirs;
  if (dirs === undefined || dirs === null) return [];
  if (!Array.isArray(dirs) || !dirs.every((d) => typeof d === "string" && path.isAbsolute(d)))
    return undefined;
  return dirs as string[];
}

/** the folders the docker CLI searches for a plugin, in its order */
export function pluginSearchDirs(env: NodeJS.ProcessEnv, extraDirs: readonly string[]): string[] {
  return [...extraDirs, path.join(dockerConfigDir(env), "cli-plugins"), ...SYSTEM_PLUGIN_DIRS];
}

export interface PluginLookup {
  /** the plugin binary, when the lookup could be made as the CLI makes it and found one */
  plugin?: string;
  /** config.json's cliPluginsExtraDirs as read (undefined: unusable, see extraPluginDirs) */
  extraDirs: string[] | undefined;
}

/** where `docker buildx` would find its plugin */
export function findBuildxPlugin(env: NodeJS.ProcessEnv, fs: PluginLookupFs): PluginLookup {
  const extraDirs = extraPluginDirs(fs.readText(path.join(dockerConfigDir(env), "config.json")));
  if (extraDirs === undefined) return { extraDirs };
  for (const dir of pluginSearchDirs(env, extraDirs)) {
    const file = path.join(dir, BUILDX_PLUGIN);
    if (fs.exists(file)) return { plugin: file, extraDirs };
  }
  return { extraDirs };
}

/** the part of a docker client a plugin call is made from */
export interface PluginCaller {
  /** the docker CLI binary: its argv[0] when it runs the plugin */
  path: string;
  /** `[docker, ...global flags]` */
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
}

const COMMAND_PATH_ATTRIBUTE = "docker.cli.cobra.command_path=docker%20buildx";

/**
 * The argv prefix and environment the docker CLI gives the plugin for `docker [globals] buildx …`:
 * append `buildx build …` to `argv` exactly as after `docker [globals]`.
 */
export function pluginCall(caller: PluginCaller, plugin: string): { argv: string[]; env: NodeJS.ProcessEnv } {
  const otel = caller.env.OTEL_RESOURCE_ATTRIBUTES?.trim();
  return {
    argv: [plugin, ...caller.argv.slice(1)],
    env: {
      ...caller.env,
      DOCKER_CLI_PLUGIN_ORIGINAL_CLI_COMMAND: caller.path,
      OTEL_RESOURCE_ATTRIBUTES: otel ? `${otel},${COMMAND_PATH_ATTRIBUTE}` : COMMAND_PATH_ATTRIBUTE,
    },
  };
}
