/**
 * The library with the caller's own ports (#14.7): `import { build, bake, up } from "kiln"` given
 * fakes builds through them, never through a real engine, and records the run in the history.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bake, build, status, up } from "../../../src/index.js";
import { fakeWorld, SHOP_COMPOSE, shopProject, type FakeWorld } from "./fake-ports.js";

let root: string;
let projectDir: string;
let env: NodeJS.ProcessEnv;
let world: FakeWorld;

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), "kiln-library-ports-"));
  projectDir = path.join(root, "shop");
  env = shopProject(root, projectDir);
  world = fakeWorld();
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

/** the runs the history holds, as [command, state] */
function runs(): [string, string][] {
  const projects = path.join(root, "state", "projects");
  return readdirSync(projects).flatMap((p) =>
    readdirSync(path.join(projects, p, "runs"))
      .filter((n) => n.endsWith(".json"))
      .map((n) => {
        const r = JSON.parse(readFileSync(path.join(projects, p, "runs", n), "utf8")) as {
          command: string;
          state: string;
          engine?: string;
        };
        return [r.command, `${r.state}@${r.engine ?? ""}`] as [string, string];
      }),
  );
}

describe("the library with the caller's ports", () => {
  it("build builds through the given build port and pins nothing; bake then only pins", async () => {
    const built = await build({ projectDir, env, ports: world.ports });
    expect(built.results.map((r) => [r.service, r.action])).toEqual([
      ["api", "built"],
      ["web", "built"],
    ]);
    expect(world.builds.map((b) => b.service).sort()).toEqual(["api", "web"]);
    expect(readFileSync(path.join(projectDir, "compose.yaml"), "utf8")).toBe(SHOP_COMPOSE);
    // the ports' own reporter saw each service (the run recorder passes every call on)
    expect(world.finished.map((o) => o.service).sort()).toEqual(["api", "web"]);

    const baked = await bake({ projectDir, env, ports: world.ports });
    expect(baked.results.map((r) => r.action)).toEqual(["skipped", "skipped"]);
    expect(world.builds).toHaveLength(2);
    expect(readFileSync(path.join(projectDir, "compose.yaml"), "utf8")).toContain(baked.results[0]?.image);
    expect((await status({ projectDir, env, ports: world.ports })).services.map((s) => s.state)).toEqual([
      "baked",
      "baked",
    ]);
    expect(runs().sort()).toEqual([
      ["bake", "done@fake://engine"],
      ["build", "done@fake://engine"],
    ]);
  });

  it("up bakes through the given ports, records the bake as a run of up, and starts compose", async () => {
    const report = await up({ projectDir, env, ports: world.ports, volumes: false });
    expect(report.bake?.results.map((r) => r.action)).toEqual(["built", "built"]);
    expect(report.started).toEqual(["api", "web"]);
    expect(world.composeRuns.at(-1)).toContain("up");
    expect(runs()).toEqual([["up", "done@fake://engine"]]);
  });

  it("with the caller's ports, BUILDX_BUILDER does not send kiln looking for another engine", async () => {
    // without ports this would inspect the builder (and fail: there is no such builder)
    const built = await build({
      projectDir,
      env: { ...env, BUILDX_BUILDER: "kiln-no-such-builder" },
      ports: world.ports,
    });
    expect(built.results.map((r) => r.action)).toEqual(["built", "built"]);
  });

  it("a failed build is a failed run in the history", async () => {
    world.failing.add("web");
    const report = await bake({ projectDir, env, ports: world.ports });
    expect(report.results.find((r) => r.service === "web")?.action).toBe("failed");
    expect(runs()).toEqual([["bake", "failed@fake://engine"]]);
  });
});
