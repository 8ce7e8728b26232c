import { describe, expect, it } from "vitest";
import { devcontainerProjectName, workspaceFolderOf } from "../../../src/core/compose/devcontainer.js";
import { loadProjectSync } from "../../../src/adapters/project-loader.js";
import type { LoadProjectOptions } from "../../../src/core/compose/model.js";
import { memoryIo, thrown } from "./memory-io.js";

const json = [
  "// JSONC: comments and trailing commas",
  "{",
  '  "name": "My Project",',
  "  /* two files, the second overrides */",
  '  "dockerComposeFile": ["../docker-compose.yml", "docker-compose.extend.yml"],',
  '  "service": "dev",',
  '  "runServices": ["dev", "db"],',
  '  "workspaceFolder": "/workspaces/app",',
  "}",
].join("\n");
const files = {
  "/ws/My.Repo/.devcontainer/devcontainer.json": json,
  "/ws/My.Repo/docker-compose.yml": "services:\n  dev:\n    build: ./src\n  db:\n    image: postgres\n",
  "/ws/My.Repo/.devcontainer/docker-compose.extend.yml":
    "services:\n  dev:\n    build:\n      context: .\n      dockerfile: .devcontainer/Dockerfile\n",
};
const load = (f: Record<string, string>, o: LoadProjectOptions = {}) =>
  loadProjectSync({ projectDir: "/ws/My.Repo", env: {}, ...o }, memoryIo(f));

describe("devcontainer.json", () => {
  it("is auto-detected when the folder has no compose file, and reads the compose files in order", () => {
    const { "/ws/My.Repo/docker-compose.yml": main, ...rest } = files;
    const moved = {
      ...rest,
      "/ws/My.Repo/compose/base.yml": main,
      "/ws/My.Repo/.devcontainer/devcontainer.json": json.replace(
        "../docker-compose.yml",
        "../compose/base.yml",
      ),
    };
    const p = load(moved);
    expect(p.devcontainer).toMatchObject({
      configPath: "/ws/My.Repo/.devcontainer/devcontainer.json",
      workspaceFolder: "/ws/My.Repo",
      containerWorkspaceFolder: "/workspaces/app",
      service: "dev",
      runServices: ["dev", "db"],
      composeFiles: ["/ws/My.Repo/compose/base.yml", "/ws/My.Repo/.devcontainer/docker-compose.extend.yml"],
    });
    // compose's project directory is the first file's folder
    expect(p.projectDir).toBe("/ws/My.Repo/compose");
    expect(p.services.find((s) => s.name === "dev")?.build?.dockerfile).toBe(
      "/ws/My.Repo/compose/.devcontainer/Dockerfile",
    );
    expect(p.name).toBe("compose");
  });

  it("is used with --devcontainer even when a compose file sits next to it", () => {
    const p = load(files, { devcontainer: true });
    expect(p.files).toEqual([
      "/ws/My.Repo/docker-compose.yml",
      "/ws/My.Repo/.devcontainer/docker-compose.extend.yml",
    ]);
    expect(p.services.find((s) => s.name === "dev")?.build?.context).toBe("/ws/My.Repo");
    // first compose file outside .devcontainer: the Dev Containers CLI uses that folder's name
    expect(p.name).toBe("myrepo");
    expect(load(files).devcontainer).toBeUndefined();
  });

  it("takes an explicit path, and .devcontainer/<name>/devcontainer.json", () => {
    const nested = {
      "/ws/r/.devcontainer/py/devcontainer.json": '{"dockerComposeFile": "compose.yml", "service": "py"}',
      "/ws/r/.devcontainer/py/compose.yml": "services:\n  py:\n    build: .\n",
    };
    const p = load(nested, { projectDir: "/ws/r", devcontainer: "/ws/r/.devcontainer/py" });
    expect(p.devcontainer?.workspaceFolder).toBe("/ws/r");
    expect(load(nested, { projectDir: "/ws/r" }).devcontainer?.service).toBe("py");
    const two = { ...nested, "/ws/r/.devcontainer/go/devcontainer.json": "{}" };
    expect(thrown(() => load(two, { projectDir: "/ws/r" })).hint).toContain("--devcontainer");
  });

  it("asks for --devcontainer when .devcontainer/devcontainer.json has siblings; kiln's own copies do not count (#12.10)", () => {
    const files = {
      "/ws/r/.devcontainer/devcontainer.json": '{"dockerComposeFile": "compose.yml", "service": "app"}',
      "/ws/r/.devcontainer/compose.yml": "services:\n  app:\n    build: .\n",
      "/ws/r/.devcontainer/kiln/devcontainer.json":
        '{\n  "name": "app (kiln)",\n  "x-kiln-generated": true,\n  "dockerComposeFile": ["../compose.yml"]\n}',
    };
    expect(load(files, { projectDir: "/ws/r" }).devcontainer?.configPath).toBe(
      "/ws/r/.devcontainer/devcontainer.json",
    );
    const ambiguous = {
      ...files,
      "/ws/r/.devcontainer/python/devcontainer.json":
        '{"dockerComposeFile": "../compose.yml", "service": "app"}',
    };
    const e = thrown(() => load(ambiguous, { projectDir: "/ws/r" }));
    expect(e.code).toBe("ERR_KILN_DEVCONTAINER");
    expect(e.message).toContain(".devcontainer/devcontainer.json, .devcontainer/python/devcontainer.json");
    expect(e.message).not.toContain("kiln/devcontainer.json");
    expect(e.hint).toContain("--devcontainer /ws/r/.devcontainer/python/devcontainer.json");
    // an explicit choice is never ambiguous
    expect(
      load(ambiguous, { projectDir: "/ws/r", devcontainer: "/ws/r/.devcontainer/python/devcontainer.json" })
        .devcontainer?.configPath,
    ).toBe("/ws/r/.devcontainer/python/devcontainer.json");
  });

  it("names a missing compose file at the dockerComposeFile line", () => {
    const e = thrown(() =>
      load(
        { "/ws/x/.devcontainer/devcontainer.json": '{\n  // c\n  "dockerComposeFile": "nope.yml"\n}' },
        { projectDir: "/ws/x" },
      ),
    );
    expect(e.code).toBe("ERR_KILN_DEVCONTAINER");
    expect(e.location).toBe("/ws/x/.devcontainer/devcontainer.json:3");
    expect(e.hint).toContain("relative to the folder of devcontainer.json");
  });

  it("reports invalid JSONC with its line", () => {
    const e = thrown(() =>
      load({ "/ws/x/.devcontainer.json": '{\n  "a": 1\n  "b": 2\n}' }, { projectDir: "/ws/x" }),
    );
    expect(e.code).toBe("ERR_KILN_DEVCONTAINER");
    expect(e.location).toBe("/ws/x/.devcontainer.json:3");
  });
});

describe("the Dev Containers CLI's project name", () => {
  const base = {
    envProjectName: undefined,
    workspaceDotenv: undefined,
    composeName: undefined,
    workspaceFolder: "/ws/My Repo",
    firstComposeFile: "/ws/My Repo/.devcontainer/compose.yml",
  };

  it("is <workspace>_devcontainer when the first compose file is in .devcontainer", () => {
    expect(devcontainerProjectName(base)).toBe("myrepo_devcontainer");
  });

  it("prefers COMPOSE_PROJECT_NAME from the environment, then from the workspace .env, then name:", () => {
    expect(
      devcontainerProjectName({
        ...base,
        envProjectName: "From_Env",
        workspaceDotenv: "COMPOSE_PROJECT_NAME=dotenv",
        composeName: "n",
      }),
    ).toBe("from_env");
    expect(
      devcontainerProjectName({
        ...base,
        workspaceDotenv: "X=1\nCOMPOSE_PROJECT_NAME= Dot.Env \n",
        composeName: "n",
      }),
    ).toBe("dotenv");
    expect(devcontainerProjectName({ ...base, composeName: "Named" })).toBe("named");
  });

  it("finds the workspace folder of each config location", () => {
    expect(workspaceFolderOf("/ws/r/.devcontainer/devcontainer.json")).toBe("/ws/r");
    expect(workspaceFolderOf("/ws/r/.devcontainer/py/devcontainer.json")).toBe("/ws/r");
    expect(workspaceFolderOf("/ws/r/.devcontainer.json")).toBe("/ws/r");
  });
});

describe("devcontainer.json variables", () => {
  it("substitutes ${localWorkspaceFolder}, ${localWorkspaceFolderBasename} and ${localEnv:X[:default]}", () => {
    const files = {
      "/ws/proj/.devcontainer/devcontainer.json":
        '{"dockerComposeFile": ["${localWorkspaceFolder}/compose.yml", "${localEnv:EXTRA_COMPOSE:extra.yml}"], "service": "${localEnv:SVC}", "workspaceFolder": "/w/${localWorkspaceFolderBasename}"}',
      "/ws/proj/compose.yml": "services:\n  app:\n    image: x\n",
      "/ws/proj/.devcontainer/extra.yml": "services:\n  app:\n    environment: {A: '1'}\n",
    };
    const p = loadProjectSync(
      { projectDir: "/ws/proj", env: { SVC: "app" }, devcontainer: true },
      memoryIo(files),
    );
    expect(p.devcontainer?.composeFiles).toEqual([
      "/ws/proj/compose.yml",
      "/ws/proj/.devcontainer/extra.yml",
    ]);
    expect(p.devcontainer?.service).toBe("app");
    expect(p.devcontainer?.containerWorkspaceFolder).toBe("/w/proj");
  });
});
