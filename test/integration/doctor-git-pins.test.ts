/**
 * `kiln doctor`'s git check against a real git repository (no engine needed): a pinned compose
 * file that git would commit — modified, staged, or newly added — gets the warning; a clean one,
 * an untracked one or a folder outside git does not.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runProcess } from "../../src/adapters/process-runner.js";
import { gitChecks } from "../../src/app/doctor/checks/pin-checks.js";
import type { OpenedProject } from "../../src/app/open-project.js";
import { removeDir, tempCopy } from "../helpers/kiln.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

function git(dir: string, ...args: string[]): void {
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.invalid", ...args], {
    cwd: dir,
    stdio: "ignore",
  });
}

function repoWith(state: "modified" | "staged" | "added" | "clean" | "untracked" | "no-git"): string {
  const dir = tempCopy();
  dirs.push(dir);
  const file = path.join(dir, "compose.yaml");
  writeFileSync(file, "services:\n  api:\n    build: .\n");
  if (state === "no-git") return file;
  git(dir, "init", "-q");
  if (state === "untracked") return file;
  git(dir, "add", "compose.yaml");
  if (state === "added") return file;
  git(dir, "commit", "-qm", "init");
  if (state === "clean") return file;
  writeFileSync(file, "services:\n  api:\n    image: kiln.invalid/api:kiln-0123456789ab\n");
  if (state === "staged") git(dir, "add", "compose.yaml");
  return file;
}

/** the part of an opened project the check reads */
function opened(file: string): OpenedProject {
  return { pins: { files: { [file]: {} } } } as unknown as OpenedProject;
}

describe("doctor's git check of pinned files", () => {
  for (const state of ["modified", "staged", "added"] as const) {
    it(`warns when the pinned file is ${state} (git would commit the pin)`, async () => {
      const file = repoWith(state);
      const checks = await gitChecks(opened(file), runProcess);
      expect(checks).toEqual([expect.objectContaining({ id: "git.compose.yaml", status: "warn" })]);
    });
  }

  for (const state of ["clean", "untracked", "no-git"] as const) {
    it(`says nothing when the pinned file is ${state}`, async () => {
      const file = repoWith(state);
      expect(await gitChecks(opened(file), runProcess)).toEqual([]);
    });
  }
});
