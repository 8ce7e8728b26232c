/**
 * The buildx plugin found and called as the docker CLI does (adapter unit tests: a fake file
 * system and a fake process runner; the real engine path is test/integration/buildx-direct.test.ts).
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  extraPluginDirs,
  findBuildxPlugin,
  pluginCall,
  pluginSearchDirs,
  type PluginLookupFs,
} from "../../../src/adapters/engine/buildx-plugin.js";
import { detectClient, dockerClient } from "../../../src/adapters/engine/client.js";
import { runBuild } from "../../../src/adapters/engine/build.js";
import type { ProcessRunner, RunOptions } from "../../../src/adapters/process-runner.js";

function fakeFs(files: Record<string, string>): PluginLookupFs & { read: string[] } {
  const read: string[] = [];
  return {
    read,
    exists: (file) => file in files,
    readText: (file) => {
      read.push(file);
      return files[file];
    },
  };
}

const SYSTEM = "/usr/local/lib/docker/cli-plugins/docker-buildx";

describe("where the buildx plugin is looked up", () => {
  it("in the docker CLI's order: config.json's cliPluginsExtraDirs, $DOCKER_CONFIG/cli-plugins, then the system dirs", () => {
    const env = { DOCKER_CONFIG: "/cfg" };
    expect(pluginSearchDirs(env, ["/extra/a", "/extra/b"])).toEqual([
      "/extra/a",
      "/extra/b",
      "/cfg/cli-plugins",
      "/usr/local/lib/docker/cli-plugins",
      "/usr/local/libexec/docker/cli-plugins",
      "/usr/lib/docker/cli-plugins",
      "/usr/libexec/docker/cli-plugins",
    ]);
    const config = JSON.stringify({ cliPluginsExtraDirs: ["/extra/a"] });
    const all = {
      "/cfg/config.json": config,
      "/extra/a/docker-buildx": "",
      "/cfg/cli-plugins/docker-buildx": "",
      [SYSTEM]: "",
      "/usr/libexec/docker/cli-plugins/docker-buildx": "",
    };
    expect(findBuildxPlugin(env, fakeFs(all)).plugin).toBe("/extra/a/docker-buildx");
    const { ["/extra/a/docker-buildx"]: _a, ...noExtra } = all;
    void _a;
    expect(findBuildxPlugin(env, fakeFs(noExtra)).plugin).toBe("/cfg/cli-plugins/docker-buildx");
    const { ["/cfg/cli-plugins/docker-buildx"]: _c, ...systemOnly } = noExtra;
    void _c;
    expect(findBuildxPlugin(env, fakeFs(systemOnly)).plugin).toBe(SYSTEM);
    expect(
      findBuildxPlugin(env, fakeFs({ "/usr/libexec/docker/cli-plugins/docker-buildx": "" })).plugin,
    ).toBe("/usr/libexec/docker/cli-plugins/docker-buildx");
    expect(findBuildxPlugin(env, fakeFs({})).plugin).toBeUndefined();
  });

  it("the config folder is DOCKER_CONFIG when not empty, else ~/.docker of HOME", () => {
    const fs = fakeFs({ "/home/u/.docker/cli-plugins/docker-buildx": "", [SYSTEM]: "" });
    expect(findBuildxPlugin({ HOME: "/home/u" }, fs).plugin).toBe(
      "/home/u/.docker/cli-plugins/docker-buildx",
    );
    expect(findBuildxPlugin({ HOME: "/home/u", DOCKER_CONFIG: "" }, fs).plugin).toBe(
      "/home/u/.docker/cli-plugins/docker-buildx",
    );
    expect(findBuildxPlugin({ HOME: "/home/u", DOCKER_CONFIG: "/elsewhere" }, fs).plugin).toBe(SYSTEM);
    expect(fs.read).toContain("/elsewhere/config.json");
  });

  it("config.json: no list or an unreadable file changes nothing; a relative folder makes the lookup unusable", () => {
    expect(extraPluginDirs(undefined)).toEqual([]);
    expect(extraPluginDirs("{ not json")).toEqual([]);
    expect(extraPluginDirs(JSON.stringify({ auths: {} }))).toEqual([]);
    expect(extraPluginDirs(JSON.stringify({ cliPluginsExtraDirs: ["/abs"] }))).toEqual(["/abs"]);
    expect(extraPluginDirs(JSON.stringify({ cliPluginsExtraDirs: ["rel/dir"] }))).toBeUndefined();
    expect(extraPluginDirs(JSON.stringify({ cliPluginsExtraDirs: "/abs" }))).toBeUndefined();
    const fs = fakeFs({
      "/cfg/config.json": JSON.stringify({ cliPluginsExtraDirs: ["plugins"] }),
      [SYSTEM]: "",
    });
    expect(findBuildxPlugin({ DOCKER_CONFIG: "/cfg" }, fs)).toEqual({ extraDirs: undefined });
  });
});

describe("how the plugin is called", () => {
  it("the docker CLI's arguments after the plugin, its argv[0] in DOCKER_CLI_PLUGIN_ORIGINAL_CLI_COMMAND, the command path added to OTEL_RESOURCE_ATTRIBUTES", () => {
    const call = pluginCall(
      {
        path: "/usr/local/bin/docker",
        argv: ["/usr/local/bin/docker", "--context", "remote"],
        env: { A: "1" },
      },
      "/p/docker-buildx",
    );
    expect(call.argv).toEqual(["/p/docker-buildx", "--context", "remote"]);
    expect(call.env).toEqual({
      A: "1",
      DOCKER_CLI_PLUGIN_ORIGINAL_CLI_COMMAND: "/usr/local/bin/docker",
      OTEL_RESOURCE_ATTRIBUTES: "docker.cli.cobra.command_path=docker%20buildx",
    });
    const withOtel = pluginCall(
      { path: "docker", argv: ["docker"], env: { OTEL_RESOURCE_ATTRIBUTES: " service.name=x " } },
      "/p/docker-buildx",
    );
    expect(withOtel.env.OTEL_RESOURCE_ATTRIBUTES).toBe(
      "service.name=x,docker.cli.cobra.command_path=docker%20buildx",
    );
  });
});

// a real executable named docker on PATH (never run: the runner is fake)
const bin = mkdtempSync(path.join(os.tmpdir(), "kiln-unit-bx-"));
writeFileSync(path.join(bin, "docker"), "#!/bin/sh\nexit 1\n");
chmodSync(path.join(bin, "docker"), 0o755);
const docker = path.join(bin, "docker");
afterAll(() => rmSync(bin, { recursive: true, force: true }));

const BX = "github.com/docker/buildx 0.13.1+ds1 0.13.1+ds1-3";

function runnerFor(answers: Record<string, string>): {
  runner: ProcessRunner;
  calls: { args: string[]; env?: NodeJS.ProcessEnv }[];
} {
  const calls: { args: string[]; env?: NodeJS.ProcessEnv }[] = [];
  const runner: ProcessRunner = async (args, options?: RunOptions) => {
    calls.push({ args: [...args], ...(options?.env ? { env: options.env } : {}) });
    const out = answers[args.join(" ")];
    return { args, exitCode: out === undefined ? 1 : 0, stdout: out ?? "", stderr: "", durationMs: 1 };
  };
  return { runner, calls };
}

const clientAnswers = {
  [`${docker} version --format {{json .Client}}`]: JSON.stringify({ Version: "28.2.2" }),
  [`${docker} buildx version`]: BX,
};

describe("detectClient: the direct plugin call", () => {
  const env = { PATH: bin, DOCKER_CONFIG: "/cfg" };

  it("is taken when the plugin the lookup finds answers `buildx version` as the client did, called as the client calls it", async () => {
    const { runner, calls } = runnerFor({ ...clientAnswers, [`${SYSTEM} buildx version`]: BX });
    const c = await detectClient({ env, runner, pluginFs: fakeFs({ [SYSTEM]: "" }) });
    expect(c).toMatchObject({ path: docker, mode: "buildx", buildxPlugin: SYSTEM });
    const direct = calls.find((x) => x.args[0] === SYSTEM);
    expect(direct?.args).toEqual([SYSTEM, "buildx", "version"]);
    expect(direct?.env?.DOCKER_CLI_PLUGIN_ORIGINAL_CLI_COMMAND).toBe(docker);
  });

  it("keeps --context first, as the docker CLI passes its global flags on", async () => {
    const { runner, calls } = runnerFor({
      [`${docker} version --format {{json .Client}}`]: JSON.stringify({ Version: "28.2.2" }),
      [`${docker} buildx version`]: BX,
      [`${SYSTEM} --context remote buildx version`]: BX,
    });
    const c = await detectClient({ env, runner, context: "remote", pluginFs: fakeFs({ [SYSTEM]: "" }) });
    expect(c.buildxPlugin).toBe(SYSTEM);
    expect(calls.map((x) => x.args)).toContainEqual([SYSTEM, "--context", "remote", "buildx", "version"]);
  });

  it("is not taken when the plugin answers differently (the client runs another one), nor when none is found", async () => {
    const other = runnerFor({
      ...clientAnswers,
      [`${SYSTEM} buildx version`]: "github.com/docker/buildx v0.20.0 x",
    });
    expect(
      (await detectClient({ env, runner: other.runner, pluginFs: fakeFs({ [SYSTEM]: "" }) })).buildxPlugin,
    ).toBeUndefined();
    const none = runnerFor(clientAnswers);
    const c = await detectClient({ env, runner: none.runner, pluginFs: fakeFs({}) });
    expect(c.mode).toBe("buildx");
    expect(c.buildxPlugin).toBeUndefined();
  });

  it("is not looked for with KILN_DOCKER (the client the user named runs its builds) nor in legacy mode", async () => {
    const named = runnerFor({ ...clientAnswers, [`${SYSTEM} buildx version`]: BX });
    const fs = fakeFs({ [SYSTEM]: "" });
    const c = await detectClient({
      env: { ...env, KILN_DOCKER: docker },
      runner: named.runner,
      pluginFs: fs,
    });
    expect(c.buildxPlugin).toBeUndefined();
    expect(fs.read).toEqual([]);
    const legacy = runnerFor({
      [`${docker} version --format {{json .Client}}`]: JSON.stringify({ Version: "20.10.24" }),
      [`${SYSTEM} buildx version`]: BX,
    });
    const l = await detectClient({
      env: { ...env, KILN_BUILD_MODE: "legacy" },
      runner: legacy.runner,
      pluginFs: fs,
    });
    expect(l.mode).toBe("legacy");
    expect(l.buildxPlugin).toBeUndefined();
  });

  it("KILN_BUILDX_DIRECT=0 turns it off", async () => {
    const { runner } = runnerFor({ ...clientAnswers, [`${SYSTEM} buildx version`]: BX });
    const pluginFs = fakeFs({ [SYSTEM]: "" });
    expect((await dockerClient({ env, runner, pluginFs })).buildxPlugin).toBe(SYSTEM);
    expect(
      (await dockerClient({ env: { ...env, KILN_BUILDX_DIRECT: "0" }, runner, pluginFs })).buildxPlugin,
    ).toBeUndefined();
  });
});

describe("runBuild with the plugin", () => {
  const recordBuild = (): { runner: ProcessRunner; seen: { args: string[]; env?: NodeJS.ProcessEnv }[] } => {
    const seen: { args: string[]; env?: NodeJS.ProcessEnv }[] = [];
    const runner: ProcessRunner = async (args, options?: RunOptions) => {
      seen.push({ args: [...args], ...(options?.env ? { env: options.env } : {}) });
      writeFileSync(args[args.indexOf("--iidfile") + 1] ?? "", "sha256:abc\n");
      return { args, exitCode: 0, stdout: "", stderr: "", durationMs: 1 };
    };
    return { runner, seen };
  };
  const req = { context: "/ctx", tags: ["t:1"], labels: { "kiln.x": "1" }, args: {} };
  const base = {
    path: "/usr/local/bin/docker",
    version: "28.2.2",
    mode: "buildx" as const,
    argv: ["/usr/local/bin/docker", "--context", "remote"],
    env: { KEEP: "yes" },
  };

  it("calls the plugin with `buildx build …` after the client's global flags, in plugin mode", async () => {
    const { runner, seen } = recordBuild();
    const out = await runBuild(
      { ...base, buildxPlugin: "/p/docker-buildx", builder: { name: "b", driver: "docker", nodes: [] } },
      req,
      { runner },
    );
    expect(out.imageId).toBe("sha256:abc");
    expect(seen[0]?.args.slice(0, 8)).toEqual([
      "/p/docker-buildx",
      "--context",
      "remote",
      "buildx",
      "build",
      "--builder",
      "b",
      "--load",
    ]);
    expect(seen[0]?.args.at(-1)).toBe("/ctx");
    expect(seen[0]?.env).toMatchObject({
      KEEP: "yes",
      DOCKER_CLI_PLUGIN_ORIGINAL_CLI_COMMAND: "/usr/local/bin/docker",
    });
  });

  it("without one, goes through `docker buildx build` as before", async () => {
    const { runner, seen } = recordBuild();
    await runBuild(base, req, { runner });
    expect(seen[0]?.args.slice(0, 5)).toEqual([
      "/usr/local/bin/docker",
      "--context",
      "remote",
      "buildx",
      "build",
    ]);
    expect(seen[0]?.env?.DOCKER_CLI_PLUGIN_ORIGINAL_CLI_COMMAND).toBeUndefined();
  });
});
