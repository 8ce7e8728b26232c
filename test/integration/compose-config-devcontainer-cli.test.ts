/**
 * The project name kiln gives a compose-based dev container is the one the real Dev Containers
 * CLI uses: `devcontainer up` on a workspace folder with an awkward name, then compare.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ProjectModel } from "../../src/core/compose/model.js";
import { engineAvailable, removeDir, repoRoot, runKiln, tempCopy, testLabel } from "../helpers/kiln.js";

const devcontainerBin = path.join(repoRoot, "node_modules", ".bin", "devcontainer");

describe.skipIf(!engineAvailable())("devcontainer project name matches the Dev Containers CLI", () => {
  const root = tempCopy();
  const workspace = path.join(root, "My Work.Space");
  let composeDown: (() => void) | undefined;

  afterAll(() => {
    composeDown?.();
    removeDir(root);
  });

  it("devcontainer up uses the name kiln computes", () => {
    const dc = path.join(workspace, ".devcontainer");
    mkdirSync(dc, { recursive: true });
    const label = testLabel();
    writeFileSync(path.join(dc, "Dockerfile"), "FROM kiln-local/busybox:latest\n");
    writeFileSync(
      path.join(dc, "devcontainer.json"),
      '{\n  // compose file next to this one\n  "dockerComposeFile": "compose.yaml",\n  "service": "app",\n  "workspaceFolder": "/workspace"\n}\n',
    );
    writeFileSync(
      path.join(dc, "compose.yaml"),
      [
        "services:",
        "  app:",
        "    build:",
        "      context: .",
        `      labels: ["${label}"]`,
        `    labels: ["${label}"]`,
        "    command: [sleep, '600']",
        "    init: true",
      ].join("\n") + "\n",
    );
    const kiln = runKiln(["config", "--json"], { cwd: workspace, env: { COMPOSE_PROJECT_NAME: "" } });
    expect(kiln.code).toBe(0);
    const model = JSON.parse(kiln.stdout) as ProjectModel;
    expect(model.name).toBe("myworkspace_devcontainer");
    composeDown = () =>
      spawnSync(
        "docker",
        [
          "compose",
          "-p",
          model.name,
          "-f",
          path.join(dc, "compose.yaml"),
          "down",
          "-v",
          "-t",
          "0",
          "--rmi",
          "local",
        ],
        { stdio: "ignore" },
      );

    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.COMPOSE_PROJECT_NAME;
    const up = spawnSync(devcontainerBin, ["up", "--workspace-folder", workspace, "--log-level", "info"], {
      encoding: "utf8",
      env,
      timeout: 120_000,
    });
    const outcome = JSON.parse(up.stdout.trim().split("\n").pop() ?? "{}") as {
      outcome?: string;
      composeProjectName?: string;
    };
    expect(outcome.outcome, up.stderr.slice(-2000)).toBe("success");
    expect(outcome.composeProjectName).toBe(model.name);
    const ps = spawnSync(
      "docker",
      [
        "ps",
        "--filter",
        `label=com.docker.compose.project=${model.name}`,
        "--format",
        '{{.Label "com.docker.compose.service"}}',
      ],
      { encoding: "utf8" },
    );
    expect(ps.stdout.trim()).toBe("app");
  });
});
