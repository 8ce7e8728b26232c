/**
 * Builds call the buildx plugin directly, without the docker CLI (#14's cold bake), on the real
 * engine: the spy plugin (test/helpers/spy-docker.ts) sees each build run by kiln itself and the
 * spy docker sees none; images are built, labelled and pinned as through `docker buildx build`;
 * `--context`, `--builder` and BUILDX_BUILDER reach the plugin; KILN_BUILDX_DIRECT=0 goes through
 * docker. And the spy's count is the spy's own: a build it is not in the way of is not counted.
 */
import { spawnSync } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { engineAvailable, removeDir, testRunId } from "../helpers/kiln.js";
import { bakeJson, spiedProject } from "../helpers/spied-project.js";

interface BakeJson {
  services: { name: string; image: string; action: string }[];
  pinned: string[];
}

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

const project = () => spiedProject("bake/basic", dirs);
const bake = (dir: string, env: NodeJS.ProcessEnv, ...args: string[]) =>
  bakeJson<BakeJson>(dir, env, ...args);

function docker(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { code: number; stdout: string; stderr: string } {
  const r = spawnSync("docker", args, { encoding: "utf8", env: { ...process.env, ...env } });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

function labels(image: string): Record<string, string> {
  const r = docker(["image", "inspect", "--format", "{{json .Config.Labels}}", image]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Record<string, string>;
}

function change(dir: string, service: string): void {
  appendFileSync(path.join(dir, service, "Dockerfile"), `\n# ${Math.random()}\n`);
}

describe.skipIf(!engineAvailable())("builds call the buildx plugin directly", () => {
  it("a bake builds through the plugin with no docker process in between; images labelled and pinned as before", () => {
    const p = project();
    const out = bake(p.dir, p.env);
    expect(out.services.map((s) => [s.name, s.action])).toEqual([
      ["api", "built"],
      ["worker", "built"],
    ]);
    // the builds: both by kiln's own call of the plugin, in plugin mode (`buildx build` first), none through docker
    expect(p.spy.directBuilds()).toBe(2);
    expect(p.spy.dockerBuilds()).toBe(0);
    expect(p.spy.builds()).toBe(2);
    for (const c of p.spy.pluginCalls().filter((x) => x.args.includes("build"))) {
      expect(c.via).toBe("direct");
      expect(c.args.slice(0, 2)).toEqual(["buildx", "build"]);
    }
    const compose = readFileSync(path.join(p.dir, "docker-compose.yml"), "utf8");
    for (const s of out.services) {
      expect(compose).toContain(`image: ${s.image}`);
      const l = labels(s.image);
      expect(l["kiln.service"]).toBe(s.name);
      expect(l["kiln.fingerprint"]).toMatch(/^[0-9a-f]{64}$/);
      expect(l["kiln.test.run"]).toBe(testRunId());
    }
    expect(out.pinned.sort()).toEqual(["api", "worker"]);

    // KILN_BUILDX_DIRECT=0: the next build goes through `docker buildx build`
    change(p.dir, "api");
    const off = bake(p.dir, { ...p.env, KILN_BUILDX_DIRECT: "0" });
    expect(off.services.map((s) => [s.name, s.action])).toEqual([
      ["api", "built"],
      ["worker", "skipped"],
    ]);
    expect(p.spy.dockerBuilds()).toBe(1);
    expect(p.spy.directBuilds()).toBe(2);
    expect(
      p.spy
        .calls()
        .filter((c) => c.includes("build"))[0]
        ?.slice(0, 2),
    ).toEqual(["buildx", "build"]);
    expect(p.spy.pluginCalls().filter((c) => c.via === "docker" && c.args.includes("build"))).toHaveLength(1);
    expect(labels(off.services[0]?.image ?? "")["kiln.service"]).toBe("api");
  });

  it("--context, --builder and BUILDX_BUILDER reach the plugin as the docker CLI passes them", () => {
    const p = project();
    const ctx = `kiln-t-ctx-${process.pid}`;
    // a context and its docker-driver builder, in the spy's own DOCKER_CONFIG (removed with it)
    const made = docker(["context", "create", ctx, "--docker", "host=unix:///var/run/docker.sock"], {
      DOCKER_CONFIG: p.spy.dockerConfig,
    });
    expect(made.code, made.stderr).toBe(0);

    bake(p.dir, p.env, "--context", ctx);
    const withContext = p.spy.pluginCalls().filter((c) => c.args.includes("build"));
    expect(withContext).toHaveLength(2);
    for (const c of withContext) {
      expect(c.via).toBe("direct");
      expect(c.args.slice(0, 4)).toEqual(["--context", ctx, "buildx", "build"]);
    }

    change(p.dir, "api");
    const b = bake(p.dir, p.env, "--builder", ctx);
    expect(b.services.find((s) => s.name === "api")?.action).toBe("built");
    const withBuilder = p.spy.pluginCalls().filter((c) => c.args.includes("build"))[2];
    expect(withBuilder?.via).toBe("direct");
    // a docker-driver builder selects its context's engine: kiln passes that context on too
    expect(withBuilder?.args.slice(0, 6)).toEqual(["--context", ctx, "buildx", "build", "--builder", ctx]);

    change(p.dir, "worker");
    const e = bake(p.dir, { ...p.env, BUILDX_BUILDER: ctx });
    expect(e.services.find((s) => s.name === "worker")?.action).toBe("built");
    const withEnv = p.spy.pluginCalls().filter((c) => c.args.includes("build"))[3];
    expect(withEnv?.via).toBe("direct");
    expect(withEnv?.args.slice(0, 6)).toEqual(["--context", ctx, "buildx", "build", "--builder", ctx]);
    expect(p.spy.dockerBuilds()).toBe(0);
    expect(p.spy.builds()).toBe(4);
  });

  it("the spy counts only what goes through it: with a DOCKER_CONFIG lacking its plugin, the real plugin builds and the spy counts nothing", () => {
    // the control for every spy count in the suites: a build that bypasses the spy is not counted
    // — so `builds()` equal to the number of services built proves they went through it
    const p = project();
    const bare = mkdtempSync(path.join(os.tmpdir(), "kiln-dockercfg-"));
    dirs.push(bare);
    const out = bake(p.dir, { ...p.env, DOCKER_CONFIG: bare });
    expect(out.services.filter((s) => s.action === "built")).toHaveLength(2);
    expect(p.spy.builds()).toBe(0);
    // and with the spy plugin added there, the next build is seen again
    p.spy.addPluginTo(bare);
    change(p.dir, "api");
    bake(p.dir, { ...p.env, DOCKER_CONFIG: bare });
    expect(p.spy.directBuilds()).toBe(1);
  });
});
