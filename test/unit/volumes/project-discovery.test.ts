import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  composeSubfolders,
  devcontainerConfigs,
  discoverProjects,
} from "../../../src/adapters/volumes/project-discovery.js";
import type { LoadProjectOptions, ProjectModel } from "../../../src/core/compose/model.js";
import { KilnError } from "../../../src/core/errors.js";
import { project } from "./project-builder.js";

const dirs: string[] = [];
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), "kiln-discovery-"));
  dirs.push(root);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** a loader that records its calls and names each project after its folder */
function fakeLoader(calls: LoadProjectOptions[], extensions: Record<string, unknown> = {}) {
  return async (o: LoadProjectOptions): Promise<ProjectModel> => {
    calls.push(o);
    const dir = o.projectDir ?? "/";
    const file =
      o.devcontainer !== undefined
        ? `${String(o.devcontainer)}.yml`
        : (o.files?.[0] ?? path.join(dir, "compose.yaml"));
    const p = project(path.basename(dir), file, [], {}, calls.length === 1 ? extensions : {});
    return { ...p, projectDir: dir };
  };
}

describe("which projects share caches", () => {
  it("finds the root project, compose devcontainers and sub-projects two levels down", async () => {
    const root = tree({
      "compose.yaml": "services: {}\n",
      ".devcontainer/devcontainer.json":
        '// dev\n{ "dockerComposeFile": "docker-compose.yml", "service": "dev" }',
      ".devcontainer/gpu/devcontainer.json": '{ "dockerComposeFile": ["a.yml"] }',
      ".devcontainer/plain/devcontainer.json": '{ "image": "x" }',
      "test-gen/docker-compose.yml": "services: {}\n",
      "tools/nested/compose.yml": "services: {}\n",
      "a/b/c/compose.yml": "services: {}\n",
      "node_modules/pkg/compose.yml": "services: {}\n",
      ".git/compose.yml": "services: {}\n",
    });
    expect(devcontainerConfigs(root).map((f) => path.relative(root, f))).toEqual([
      ".devcontainer/devcontainer.json",
      ".devcontainer/gpu/devcontainer.json",
    ]);
    expect(
      composeSubfolders(root)
        .map((f) => path.relative(root, f))
        .sort(),
    ).toEqual(["test-gen", "tools/nested"]);
    const calls: LoadProjectOptions[] = [];
    const projects = await discoverProjects(
      { projectDir: root, root: { projectDir: root }, env: {} },
      fakeLoader(calls),
    );
    expect(projects).toHaveLength(5);
  });

  it("leaves out kiln's own devcontainer configs for --mode override (the same devcontainers)", () => {
    const config = '{ "dockerComposeFile": ["../docker-compose.yml", "/state/compose.kiln.yml"] }';
    const root = tree({
      ".devcontainer/devcontainer.json": '{ "dockerComposeFile": "docker-compose.yml" }',
      ".devcontainer/kiln/devcontainer.json": config,
      ".devcontainer/gpu/devcontainer.json": '{ "dockerComposeFile": "../docker-compose.yml" }',
      ".devcontainer/kiln-gpu/devcontainer.json": config,
    });
    expect(devcontainerConfigs(root).map((f) => path.relative(root, f))).toEqual([
      ".devcontainer/devcontainer.json",
      ".devcontainer/gpu/devcontainer.json",
    ]);
  });

  it("uses exactly x-kiln.projects when the root compose file lists them", async () => {
    const root = tree({
      "compose.yaml": "x\n",
      "extra/compose.dev.yml": "x\n",
      "ignored/compose.yml": "x\n",
    });
    const calls: LoadProjectOptions[] = [];
    const load = fakeLoader(calls, { "x-kiln": { projects: ["ignored/../other", "extra/compose.dev.yml"] } });
    await discoverProjects({ projectDir: root, root: { projectDir: root }, env: {} }, load);
    expect(
      calls
        .slice(1)
        .map((c) => [path.relative(root, c.projectDir ?? ""), c.files?.map((f) => path.relative(root, f))]),
    ).toEqual([
      ["other", undefined],
      ["extra", ["extra/compose.dev.yml"]],
    ]);
  });

  it("skips a folder without a compose file but reports a broken one", async () => {
    const root = tree({ "svc/compose.yaml": "x\n" });
    const failing = async (): Promise<ProjectModel> => {
      throw new KilnError("ERR_KILN_COMPOSE_PARSE", "bad yaml");
    };
    await expect(
      discoverProjects({ projectDir: root, root: { projectDir: root }, env: {} }, failing),
    ).rejects.toThrow("bad yaml");
    const missing = async (): Promise<ProjectModel> => {
      throw new KilnError("ERR_KILN_COMPOSE_NOT_FOUND", "none");
    };
    await expect(
      discoverProjects({ projectDir: root, root: { projectDir: root }, env: {} }, missing),
    ).resolves.toEqual([]);
  });
});
