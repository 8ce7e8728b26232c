/**
 * #14.3: one opened project per run. A bake — dry run, first bake, fresh, stale, rebuild — and
 * `kiln up` read each compose file and devcontainer.json exactly once: the run's ProjectFiles
 * are given a counting io (core's ComposeIo, the one the compose loader reads through) and every
 * read of a project file in the run goes through it. The fixture has a build: split across two
 * compose files named by a devcontainer.json, so a pin edits two files and the model comes from
 * three.
 */
import { spawnSync } from "node:child_process";
import { appendFileSync, realpathSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { nodeComposeIo } from "../../src/adapters/compose-files.js";
import { ProjectFiles } from "../../src/adapters/project-files.js";
import { bakeProject, type BakeOptions } from "../../src/app/bake-project.js";
import type { ProjectRequest } from "../../src/app/request.js";
import { projectStatus } from "../../src/app/status.js";
import { upProject } from "../../src/app/up.js";
import { realPorts } from "../../src/adapters/real-ports.js";
import type { ComposeIo } from "../../src/core/compose/io.js";
import { quietReporter } from "../../src/report/progress/create-reporter.js";
import { bakeFixture, engineAvailable, removeDir } from "../helpers/kiln.js";

const dirs: string[] = [];
const started: string[] = [];
afterAll(() => {
  for (const dir of started) {
    spawnSync(
      "docker",
      ["compose", "-f", "compose.yaml", "-f", ".devcontainer/compose.dev.yaml", "down", "-t", "0"],
      { cwd: dir, stdio: "ignore" },
    );
  }
  // images carry the test label and are swept by the global teardown
  dirs.forEach(removeDir);
});

/** a ProjectFiles whose reads are counted, by real path */
function countingFiles(): { files: ProjectFiles; reads: Map<string, number> } {
  const reads = new Map<string, number>();
  const io: ComposeIo = {
    ...nodeComposeIo,
    readText(file) {
      let key = file;
      try {
        key = realpathSync(file);
      } catch {
        // a file that does not exist (.env): counted under its name
      }
      reads.set(key, (reads.get(key) ?? 0) + 1);
      return nodeComposeIo.readText(file);
    },
  };
  return { files: new ProjectFiles(io), reads };
}

function ports(env: NodeJS.ProcessEnv) {
  return realPorts({ env, reporter: quietReporter, log: () => undefined });
}

function project() {
  const { dir, env } = bakeFixture("bake/split-build-devcontainer");
  dirs.push(dir, `${dir}.state`);
  const real = realpathSync(dir);
  const projectFiles = [
    path.join(real, "compose.yaml"),
    path.join(real, ".devcontainer", "compose.dev.yaml"),
    path.join(real, ".devcontainer", "devcontainer.json"),
  ];
  const request: ProjectRequest = {
    projectDir: dir,
    projectDirExplicit: true,
    files: [],
    profiles: [],
    envFiles: [],
    devcontainer: true,
  };
  return { dir, env: { ...process.env, ...env }, projectFiles, request };
}

type Project = ReturnType<typeof project>;

async function bake(p: Project, over: Partial<BakeOptions> = {}) {
  const { files, reads } = countingFiles();
  const report = await bakeProject(
    {
      globals: p.request,
      env: p.env,
      mode: "bake",
      services: [],
      dryRun: false,
      jobs: 1,
      noCache: false,
      pull: false,
      purgeCaches: false,
      files,
      ...over,
    },
    ports(p.env),
  );
  return { report, reads };
}

/** each project file read exactly once, and no file read twice */
function expectReadOnce(p: Project, reads: Map<string, number>): void {
  for (const file of p.projectFiles) expect({ file, reads: reads.get(file) }).toEqual({ file, reads: 1 });
  for (const [file, n] of reads) expect({ file, reads: n }).toEqual({ file, reads: 1 });
}

describe.skipIf(!engineAvailable())("a run opens the project once", () => {
  it("bake: dry run, first bake, fresh, stale and rebuild read each file once", async () => {
    const p = project();

    const dry = await bake(p, { dryRun: true });
    expect(dry.report.plan.targets.map((t) => t.action)).toEqual(["build"]);
    expectReadOnce(p, dry.reads);

    const first = await bake(p);
    expect(first.report.results.map((r) => r.action)).toEqual(["built"]);
    expect(first.report.pins?.files).toHaveLength(2); // the split build: both compose files pinned
    expectReadOnce(p, first.reads);

    // pinned now: the model is the unpinned overlay of the same texts
    const fresh = await bake(p);
    expect(fresh.report.results.map((r) => r.action)).toEqual(["skipped"]);
    expectReadOnce(p, fresh.reads);

    const freshDry = await bake(p, { dryRun: true });
    expect(freshDry.report.plan.targets.map((t) => t.action)).toEqual(["skip"]);
    expectReadOnce(p, freshDry.reads);

    appendFileSync(path.join(p.dir, "app", "Dockerfile"), "# stale now\n");
    const stale = await bake(p);
    expect(stale.report.results.map((r) => r.action)).toEqual(["built"]);
    expect(stale.report.pins?.pinned).toEqual(["app"]);
    expectReadOnce(p, stale.reads);

    // rebuild: unpins, builds, opens again from the texts it wrote, pins
    const rebuild = await bake(p, { mode: "rebuild" });
    expect(rebuild.report.results.map((r) => r.action)).toEqual(["built"]);
    expect(rebuild.report.pins?.pinned).toEqual(["app"]);
    expectReadOnce(p, rebuild.reads);

    const { files, reads } = countingFiles();
    const status = await projectStatus(p.request, p.env, ports(p.env), files);
    expect(status.services.map((s) => s.state)).toEqual(["baked"]);
    expectReadOnce(p, reads);
  });

  it("up: volumes, bake, pin and the model compose starts read each file once", async () => {
    const p = project();
    started.push(p.dir);
    const { files, reads } = countingFiles();
    const result = await upProject(
      {
        globals: p.request,
        env: p.env,
        services: [],
        bake: true,
        volumes: true,
        jobs: 2,
        files,
      },
      ports(p.env),
    );
    expect(result.bakeFailed).toBe(false);
    expect(result.started).toEqual(["app"]);
    expectReadOnce(p, reads);
  });
});
