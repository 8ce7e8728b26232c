/**
 * Team sharing through a registry, on real components: Debian's docker-registry on 127.0.0.1
 * and a second, empty Docker engine standing in for a teammate's machine. Engine A bakes and
 * pushes; engine B pulls instead of building (counted by a spy docker), pins, and starts the
 * services; after one source change B builds only that service, from the registry's cache.
 */
import { spawnSync } from "node:child_process";
import { appendFileSync, cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  engineAvailable,
  removeDir,
  runKiln,
  tempCopy,
  testLabel,
  makeContextUnique,
} from "../helpers/kiln.js";
import { startRegistry, type TestRegistry } from "../helpers/registry.js";
import { expectSchema } from "../helpers/json-schema.js";
import { startSecondEngine, type SecondEngine } from "../helpers/second-engine.js";
import { makeSpyDocker, type SpyDocker } from "../helpers/spy-docker.js";

interface BakeJson {
  services: {
    name: string;
    image: string;
    action: string;
    reason: string;
    steps: { total: number; cached: number };
  }[];
  pinned: string[];
}
interface StepEvent {
  type: string;
  service?: string;
  state?: string;
  name?: string;
  id?: string;
}

const validate = expectSchema;

const dirs: string[] = [];
const stops: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const stop of stops) await stop();
  dirs.forEach(removeDir);
}, 60_000);

function clone(from: string): string {
  const dir = tempCopy();
  cpSync(from, dir, { recursive: true });
  return dir;
}

function events(stderr: string): StepEvent[] {
  return stderr
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as StepEvent);
}

// both BuildKit clients: buildx (the main path) and Debian's legacy 20.10 client (DOCKER_BUILDKIT=1)
describe.skipIf(!engineAvailable()).each(["buildx", "legacy"] as const)(
  "sharing: registry + a second engine (%s client)",
  (mode) => {
    let registry: TestRegistry | undefined;
    let engineB: SecondEngine | undefined;
    let source: string;
    let dirA: string;
    let dirB: string;
    let envA: NodeJS.ProcessEnv;
    let envB: NodeJS.ProcessEnv;
    let spyB: SpyDocker;
    let where: string;

    beforeAll(async () => {
      registry = await startRegistry();
      engineB = await startSecondEngine();
      const [eb, reg] = [engineB, registry];
      stops.push(
        () => eb.stop(),
        () => reg.stop(),
      );
      engineB.loadFromFirst(["kiln-local/busybox:latest"]);
      where = `${registry.host}/kiln-test/${mode}`;
      source = tempCopy("bake/basic");
      const compose = path.join(source, "docker-compose.yml");
      // no host port on the second engine (the first one may hold 8080)
      writeFileSync(compose, readFileSync(compose, "utf8").replace(/^\s*ports:.*\n/m, ""));
      engineB.isolateNetwork(compose);
      for (const ctx of ["api", "worker"]) makeContextUnique(path.join(source, ctx));
      dirA = clone(source);
      dirB = clone(source); // the teammate's checkout of the same commit
      const real = mode === "legacy" ? "/usr/bin/docker" : "/usr/local/bin/docker";
      const spyA = makeSpyDocker(real);
      spyB = makeSpyDocker(real);
      const client = (spy: SpyDocker): NodeJS.ProcessEnv =>
        mode === "legacy" ? { KILN_DOCKER: path.join(spy.binDir, "docker"), KILN_BUILD_MODE: "legacy" } : {};
      dirs.push(source, dirA, dirB, `${dirA}.state`, `${dirB}.state`, spyA.binDir, spyB.binDir);
      envA = { KILN_STATE_DIR: `${dirA}.state`, KILN_LABELS: testLabel(), ...spyA.env, ...client(spyA) };
      envB = {
        KILN_STATE_DIR: `${dirB}.state`,
        KILN_LABELS: testLabel(),
        ...spyB.env,
        DOCKER_HOST: engineB.host,
        KILN_REGISTRY: where,
        ...client(spyB),
      };
    }, 120_000);

    it("engine A bakes and pushes both services with their content tags and kiln-latest", async () => {
      const r = runKiln(["bake", "--json", "--push", "--registry", where, "--project-dir", dirA], {
        env: envA,
      });
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as BakeJson;
      expect(out.services.map((s) => [s.name, s.action])).toEqual([
        ["api", "built"],
        ["worker", "built"],
      ]);
      for (const s of out.services) {
        const res = await fetch(`http://${registry?.host}/v2/kiln-test/${mode}/${s.name}/tags/list`);
        const tags = ((await res.json()) as { tags: string[] }).tags.sort();
        expect(tags).toEqual([s.image.split(":").pop(), "kiln-latest"].sort());
      }
    }, 120_000);

    it("engine B, empty, pulls every service instead of building, pins, and starts them with kiln up", () => {
      const dry = runKiln(["bake", "--dry-run", "--json", "--project-dir", dirB], { env: envB });
      expect(dry.code, dry.stderr).toBe(0);
      const plan = (JSON.parse(dry.stdout) as { plan: { targets: { action: string; reason: string }[] } })
        .plan;
      expect(plan.targets.map((t) => [t.action, t.reason])).toEqual([
        ["pull", `pull: fingerprint found in ${where}`],
        ["pull", `pull: fingerprint found in ${where}`],
      ]);

      const r = runKiln(["bake", "--json", "--project-dir", dirB], { env: envB });
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as BakeJson;
      expect(out.services.map((s) => [s.name, s.action])).toEqual([
        ["api", "pulled"],
        ["worker", "pulled"],
      ]);
      expect(spyB.builds()).toBe(0);
      expect(out.pinned.sort()).toEqual(["api", "worker"]);
      const pinned = readFileSync(path.join(dirB, "docker-compose.yml"), "utf8");
      for (const s of out.services) expect(pinned).toContain(`image: ${s.image}`);
      // the pin names the local content tag, never the registry
      expect(pinned).not.toContain(registry?.host ?? "-");
      const inspect = engineB?.docker([
        "image",
        "inspect",
        "--format",
        "{{json .Config.Labels}}",
        out.services[0]?.image ?? "",
      ]);
      expect(inspect?.code).toBe(0);

      const up = runKiln(["up", "--project-dir", dirB], { env: envB });
      expect(up.code, up.stderr).toBe(0);
      expect(spyB.builds()).toBe(0);
      const ps = engineB?.docker([
        "ps",
        "-a",
        "--format",
        '{{.Label "com.docker.compose.service"}} {{.State}}',
      ]);
      const states = (ps?.stdout ?? "").trim().split("\n").sort();
      expect(states).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^api /),
          expect.stringMatching(/^cache running/),
          expect.stringMatching(/^worker /),
        ]),
      );
      const apiLogs = engineB?.docker([
        "logs",
        (
          engineB?.docker(["ps", "-aq", "--filter", "label=com.docker.compose.service=api"]).stdout ?? ""
        ).trim(),
      ]);
      expect(apiLogs?.stdout).toBe(readFileSync(path.join(dirB, "api", "server.txt"), "utf8"));
    }, 120_000);

    it("after one source change, engine B builds only that service, every unchanged step CACHED from the registry", () => {
      appendFileSync(path.join(dirB, "api", "server.txt"), "changed on B\n");
      const before = spyB.builds();
      const r = runKiln(["bake", "--json", "--progress", "json", "--project-dir", dirB], { env: envB });
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as BakeJson;
      expect(out.services.map((s) => [s.name, s.action])).toEqual([
        ["api", "built"],
        ["worker", "skipped"],
      ]);
      expect(spyB.builds() - before).toBe(1);
      const build = spyB.buildCalls().pop() ?? [];
      expect(build).toContain(`${where}/api:kiln-latest`);
      expect(build[build.indexOf(`${where}/api:kiln-latest`) - 1]).toBe("--cache-from");

      const steps = events(r.stderr).filter((e) => e.type === "step" && e.service === "api");
      const last = new Map<string, StepEvent>();
      for (const e of steps) last.set(e.id ?? "", e);
      const final = [...last.values()];
      // Dockerfile instructions other than FROM (a base image is resolved, not built, on every engine)
      const instructions = final.filter(
        (e) => /^\[(?:stage-\d+ |)\s*\d+\/\d+\]/.test(e.name ?? "") && !/\] FROM /.test(e.name ?? ""),
      );
      expect(instructions.map((e) => [e.name?.replace(/^.*\] /, "").split(" ")[0], e.state])).toEqual([
        ["RUN", "cached"],
        ["COPY", "done"],
      ]);
      for (const e of instructions) {
        if (/COPY server\.txt/.test(e.name ?? "")) expect(e.state, e.name).toBe("done");
        else expect(e.state, e.name).toBe("cached");
      }
      expect(out.services[0]?.steps.cached).toBeGreaterThan(0);
      expect(existsSync(path.join(dirB, "docker-compose.yml"))).toBe(true);
    }, 120_000);

    it("kiln pull fetches a baked image without pinning; kiln push skips what the registry holds (JSON per schema)", () => {
      const dirC = clone(source);
      dirs.push(dirC, `${dirC}.state`);
      const envC = { ...envB, KILN_STATE_DIR: `${dirC}.state` };
      const ids =
        engineB
          ?.docker(["images", "-q", "--filter", "label=kiln.service=worker"])
          .stdout.trim()
          .split("\n") ?? [];
      engineB?.docker(["rmi", "-f", ...new Set(ids.filter(Boolean))]);
      const composeBefore = readFileSync(path.join(dirC, "docker-compose.yml"), "utf8");
      const before = spyB.builds();
      const r = runKiln(["pull", "--json", "--project-dir", dirC], { env: envC });
      expect(r.code, r.stderr).toBe(0);
      const pulled = JSON.parse(r.stdout) as {
        registry: string;
        services: { name: string; state: string; image: string }[];
      };
      validate("pull", pulled);
      expect(pulled.services.map((s) => [s.name, s.state])).toEqual([
        ["api", "present"],
        ["worker", "pulled"],
      ]);
      expect(spyB.builds() - before).toBe(0);
      expect(readFileSync(path.join(dirC, "docker-compose.yml"), "utf8")).toBe(composeBefore);
      expect(engineB?.docker(["image", "inspect", pulled.services[1]?.image ?? ""]).code).toBe(0);

      const push = runKiln(["push", "--json", "--project-dir", dirC], { env: envC });
      expect(push.code, push.stderr).toBe(0);
      const pushed = JSON.parse(push.stdout) as { services: { name: string; state: string }[] };
      validate("push", pushed);
      expect(pushed.services.map((s) => [s.name, s.state])).toEqual([
        ["api", "present"],
        ["worker", "present"],
      ]);
    }, 120_000);

    it.skipIf(mode !== "buildx")(
      "works against a docker context (--context) the same way: pulls onto that engine",
      () => {
        const config = tempCopy();
        spyB.addPluginTo(config); // a build here would call the plugin of this DOCKER_CONFIG
        const dirD = clone(source);
        dirs.push(config, dirD, `${dirD}.state`);
        const made = spawnSync(
          "docker",
          ["context", "create", "kiln-engine-b", "--docker", `host=${engineB?.host ?? ""}`],
          { env: { ...process.env, DOCKER_CONFIG: config }, encoding: "utf8" },
        );
        expect(made.status, made.stderr).toBe(0);
        const ids =
          engineB?.docker(["images", "-q", "--filter", "label=kiln.service"]).stdout.trim().split("\n") ?? [];
        engineB?.docker(["rmi", "-f", ...new Set(ids.filter(Boolean))]);
        // no DOCKER_HOST: the engine comes from the context (runKiln merges process.env, so unset it)
        const env = {
          ...envB,
          DOCKER_HOST: undefined,
          DOCKER_CONFIG: config,
          KILN_STATE_DIR: `${dirD}.state`,
        };
        const before = spyB.builds();
        const r = runKiln(["bake", "--json", "--context", "kiln-engine-b", "--project-dir", dirD], { env });
        expect(r.code, r.stderr).toBe(0);
        const out = JSON.parse(r.stdout) as BakeJson;
        expect(out.services.map((s) => [s.name, s.action])).toEqual([
          ["api", "pulled"],
          ["worker", "pulled"],
        ]);
        expect(spyB.builds() - before).toBe(0);
        for (const s of out.services) expect(engineB?.docker(["image", "inspect", s.image]).code).toBe(0);
      },
      120_000,
    );
  },
);
