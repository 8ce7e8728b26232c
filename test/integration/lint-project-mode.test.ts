/**
 * `kiln lint` in project mode on what #16 found: a baked (pinned) project is linted from the
 * build specs its pins replaced, as doctor does (it used to check "0 Dockerfiles"), and a
 * devcontainer's service is a development image (no build-tools-in-final-stage).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  engineAvailable,
  makeContextsUnique,
  removeDir,
  runKiln,
  tempCopy,
  testLabel,
} from "../helpers/kiln.js";

interface Report {
  files: { path: string; findings: { rule: string }[] }[];
}

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

function project(files: Record<string, string>): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = tempCopy();
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  makeContextsUnique(dir);
  dirs.push(dir, `${dir}.state`);
  return { dir, env: { KILN_STATE_DIR: `${dir}.state`, KILN_LABELS: testLabel() } };
}

function lintJson(dir: string, env: NodeJS.ProcessEnv, ...args: string[]): Report {
  const r = runKiln(["lint", "--format", "json", "--fail-level", "none", ...args], { cwd: dir, env });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Report;
}

describe.skipIf(!engineAvailable())("kiln lint on a baked project", () => {
  it("lints the Dockerfile a pinned service was built from", () => {
    const { dir, env } = project({
      "compose.yaml": "services:\n  web:\n    build: ./web\n",
      "web/Dockerfile": "FROM kiln-local/busybox:latest\nCOPY . /app\n",
      "web/index.txt": "hello\n",
    });
    const before = lintJson(dir, env);
    expect(before.files.map((f) => f.findings.map((x) => x.rule))).toEqual([["dockerignore-missing"]]);
    const bake = runKiln(["bake", "--project-dir", dir], { env });
    expect(bake.code, bake.stderr).toBe(0);
    // the compose file now names an image instead of the build
    expect(readFileSync(path.join(dir, "compose.yaml"), "utf8")).not.toContain("build: ./web");
    expect(lintJson(dir, env)).toEqual(before);
  });
});

describe("kiln lint: development images", () => {
  it("a devcontainer's service keeps its compilers; another service does not", () => {
    const dockerfile = "FROM kiln-local/debian:bookworm\nRUN apt-get update && apt-get install -y gcc\n";
    const { dir, env } = project({
      "compose.yaml": "services:\n  app:\n    build: ./app\n  prod:\n    build: ./prod\n",
      ".devcontainer/devcontainer.json": JSON.stringify({
        dockerComposeFile: ["../compose.yaml"],
        service: "app",
        workspaceFolder: "/workspace",
      }),
      "app/Dockerfile": dockerfile,
      "prod/Dockerfile": dockerfile,
    });
    const report = lintJson(dir, env, "--rule", "build-tools-in-final-stage", "--devcontainer");
    expect(report.files.map((f) => [f.path, f.findings.map((x) => x.rule)])).toEqual([
      [path.join("app", "Dockerfile"), []],
      [path.join("prod", "Dockerfile"), ["build-tools-in-final-stage"]],
    ]);
  });
});
