/**
 * `up` and `restore` as use cases with fake ports (no Docker, no compose): what up asks compose
 * to run after its bake, that a failed bake starts nothing, and that restore puts the compose
 * file back byte for byte.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bakeProject } from "../../../src/app/bake-project.js";
import { restoreProject } from "../../../src/app/restore.js";
import { composeArgs, upProject, type UpRequest } from "../../../src/app/up.js";
import type { ProjectModel } from "../../../src/core/compose/model.js";
import { fakeWorld, SHOP_COMPOSE, shopProject, type FakeWorld } from "./fake-ports.js";

let root: string;
let projectDir: string;
let env: NodeJS.ProcessEnv;
let world: FakeWorld;

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), "kiln-up-flow-"));
  projectDir = path.join(root, "shop");
  env = shopProject(root, projectDir);
  world = fakeWorld();
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const globals = () => ({ projectDir, files: [], profiles: [], envFiles: [] });
const composeFile = () => path.join(projectDir, "compose.yaml");
const up = (overrides: Partial<UpRequest> = {}) =>
  upProject(
    { globals: globals(), env, services: [], bake: true, volumes: false, jobs: 2, ...overrides },
    world.ports,
  );

describe("up with fake ports", () => {
  it("bakes, then runs compose up -d on the project kiln baked (name, directory, files)", async () => {
    const report = await up();
    expect(world.builds.map((b) => b.service).sort()).toEqual(["api", "web"]);
    expect(report.bakeFailed).toBe(false);
    expect(report.started).toEqual(["api", "web"]);
    expect(report.compose).toBe("v2");
    expect(world.composeRuns).toEqual([
      ["--project-name", "shop", "--project-directory", projectDir, "-f", composeFile(), "up", "-d"],
    ]);
    expect(readFileSync(composeFile(), "utf8")).not.toContain("build:");
  });

  it("starts nothing when a build fails", async () => {
    world.failing.add("api");
    const report = await up();
    expect(report.bakeFailed).toBe(true);
    expect(report.started).toEqual([]);
    expect(world.composeRuns).toEqual([]);
  });

  it("recreates only the services whose container runs an older image", async () => {
    await up();
    world.containers.push(
      ...["api", "web"].map((service) => ({
        id: `c-${service}`,
        names: [`shop-${service}-1`],
        image: "",
        imageId:
          service === "api"
            ? "sha256:older"
            : world.images.find((i) => i.labels["kiln.service"] === service)!.id,
        labels: { "com.docker.compose.project": "shop", "com.docker.compose.service": service },
        state: "running",
        mounts: [],
      })),
    );
    world.composeRuns.length = 0;
    world.builds.length = 0;
    const report = await up({ bake: false });
    expect(world.builds).toEqual([]);
    expect(report.recreated).toEqual(["api"]);
    expect(world.composeRuns.map((args) => args.slice(6))).toEqual([
      ["up", "-d", "--no-deps", "--force-recreate", "api"],
      ["up", "-d"],
    ]);
  });

  it("refuses env files and profiles podman-compose would not pass on", () => {
    const model = { name: "shop", projectDir, files: [composeFile()], envFiles: [], profiles: ["dev"] };
    expect(() =>
      composeArgs({ tool: "podman-compose", version: "1.0.3" }, model as unknown as ProjectModel),
    ).toThrow(/podman-compose 1.0.3 has no --profile dev/);
    expect(composeArgs({ version: "2.99.0" }, model as unknown as ProjectModel)).toEqual([
      "--project-name",
      "shop",
      "--project-directory",
      projectDir,
      "-f",
      composeFile(),
      "--profile",
      "dev",
    ]);
  });
});

describe("restore with fake ports", () => {
  const bake = () =>
    bakeProject(
      {
        globals: globals(),
        env,
        mode: "bake",
        services: [],
        dryRun: false,
        jobs: 2,
        noCache: false,
        pull: false,
        purgeCaches: false,
      },
      world.ports,
    );

  it("puts the compose file back byte for byte after a bake", async () => {
    await bake();
    expect(readFileSync(composeFile(), "utf8")).not.toBe(SHOP_COMPOSE);
    const report = await restoreProject({ globals: globals(), env, services: [] }, world.ports);
    expect(report.how).toBe("unpin");
    expect(report.restored.sort()).toEqual(["api", "web"]);
    expect(readFileSync(composeFile(), "utf8")).toBe(SHOP_COMPOSE);
  });

  it("unpins only the services asked for", async () => {
    await bake();
    const report = await restoreProject({ globals: globals(), env, services: ["web"] }, world.ports);
    expect(report.restored).toEqual(["web"]);
    const text = readFileSync(composeFile(), "utf8");
    expect(text).toMatch(/web:\n\s+build:\n\s+context: \.\/web/);
    expect(text).toMatch(/api:\n\s+image: /);
  });

  it("says nothing is pinned on a project kiln never baked", async () => {
    const report = await restoreProject({ globals: globals(), env, services: [] }, world.ports);
    expect(report.restored).toEqual([]);
    expect(readFileSync(composeFile(), "utf8")).toBe(SHOP_COMPOSE);
  });
});
