/**
 * A spy `docker` first on PATH and a spy buildx plugin where the docker CLI — and kiln, which
 * calls the plugin directly (src/adapters/engine/buildx-plugin.ts) — looks first: both log every
 * invocation's arguments, then run the real binary. Counts builds from outside kiln, never from
 * kiln's own output, whichever way kiln starts them.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export interface PluginCall {
  /** "docker": run by the docker CLI (it sets DOCKER_CLI_PLUGIN_SOCKET); "direct": by kiln itself */
  via: "docker" | "direct";
  args: string[];
}

export interface SpyDocker {
  binDir: string;
  /** the spy docker's log */
  log: string;
  /** PATH with the spy first */
  path: string;
  /** a DOCKER_CONFIG folder whose cli-plugins holds the spy plugin */
  dockerConfig: string;
  /** what kiln needs to be seen: PATH and DOCKER_CONFIG */
  env: { PATH: string; DOCKER_CONFIG: string };
  /** puts the spy plugin into another DOCKER_CONFIG folder (a test's own contexts, builders, credentials) */
  addPluginTo(dockerConfig: string): void;
  /** the spy docker's calls */
  calls(): string[][];
  /** the spy plugin's calls, without the docker CLI's metadata probes */
  pluginCalls(): PluginCall[];
  /** builds through `docker` (buildx or legacy) */
  dockerBuilds(): number;
  /** builds kiln started by calling the buildx plugin itself */
  directBuilds(): number;
  /** every build's arguments, either way, in order per way (docker's, then direct ones) */
  buildCalls(): string[][];
  /** every build, either way */
  builds(): number;
}

const SEP = "\u001f";

function readLog(file: string): string[][] {
  return existsSync(file)
    ? readFileSync(file, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => l.split(SEP).filter((x) => x !== ""))
    : [];
}

const isBuild = (args: string[]): boolean => args.includes("build") && !args.includes("version");

export function makeSpyDocker(
  realDocker = "/usr/local/bin/docker",
  realPlugin = "/usr/local/lib/docker/cli-plugins/docker-buildx",
): SpyDocker {
  const binDir = mkdtempSync(path.join(os.tmpdir(), "kiln-spy-"));
  const log = path.join(binDir, "calls.log");
  const pluginLog = path.join(binDir, "plugin-calls.log");
  writeFileSync(log, "");
  writeFileSync(pluginLog, "");
  const script = `#!/bin/sh\nprintf '%s\\037' "$@" >> "${log}"\nprintf '\\n' >> "${log}"\nexec "${realDocker}" "$@"\n`;
  writeFileSync(path.join(binDir, "docker"), script);
  chmodSync(path.join(binDir, "docker"), 0o755);
  // the docker CLI ≥ 25 hands its plugins a signal socket; kiln's direct call has none
  const plugin =
    `#!/bin/sh\nif [ "$1" != docker-cli-plugin-metadata ]; then\n` +
    `  if [ -n "$DOCKER_CLI_PLUGIN_SOCKET" ]; then printf 'via=docker\\037' >> "${pluginLog}"; else printf 'via=direct\\037' >> "${pluginLog}"; fi\n` +
    `  printf '%s\\037' "$@" >> "${pluginLog}"\n  printf '\\n' >> "${pluginLog}"\nfi\nexec "${realPlugin}" "$@"\n`;
  const addPluginTo = (dockerConfig: string): void => {
    mkdirSync(path.join(dockerConfig, "cli-plugins"), { recursive: true });
    const file = path.join(dockerConfig, "cli-plugins", "docker-buildx");
    writeFileSync(file, plugin);
    chmodSync(file, 0o755);
  };
  const dockerConfig = path.join(binDir, "docker-config");
  addPluginTo(dockerConfig);
  const spyPath = `${binDir}:${process.env.PATH ?? ""}`;
  const spy: SpyDocker = {
    binDir,
    log,
    path: spyPath,
    dockerConfig,
    env: { PATH: spyPath, DOCKER_CONFIG: dockerConfig },
    addPluginTo,
    calls: () => readLog(log),
    pluginCalls: () =>
      readLog(pluginLog).map(([via, ...args]) => ({
        via: via === "via=docker" ? "docker" : "direct",
        args,
      })),
    dockerBuilds: () => spy.calls().filter(isBuild).length,
    directBuilds: () => spy.pluginCalls().filter((c) => c.via === "direct" && isBuild(c.args)).length,
    buildCalls: () => [
      ...spy.calls().filter(isBuild),
      ...spy
        .pluginCalls()
        .filter((c) => c.via === "direct" && isBuild(c.args))
        .map((c) => c.args),
    ],
    builds: () => spy.buildCalls().length,
  };
  return spy;
}
