import { describe, expect, it } from "vitest";
import { gitChecks, wouldCommit } from "../../../src/app/doctor/checks/pin-checks.js";
import type { OpenedProject } from "../../../src/app/open-project.js";
import type { ProcessRunner } from "../../../src/adapters/process-runner.js";

describe("wouldCommit (git status --porcelain)", () => {
  it.each([
    " M compose.yaml",
    "M  compose.yaml",
    "MM compose.yaml",
    "A  compose.yaml",
    "AM compose.yaml",
    "R  old.yaml -> compose.yaml",
  ])("%j would be committed", (line) => expect(wouldCommit(`${line}\n`)).toBe(true));
  it.each(["", "?? compose.yaml", "!! compose.yaml"])("%j would not", (line) =>
    expect(wouldCommit(line)).toBe(false),
  );
});

describe("gitChecks through the process runner", () => {
  const project = { pins: { files: { "/srv/app/compose.yaml": {} } } } as unknown as OpenedProject;

  it("runs git with an argument array in the file's folder and warns on a staged change", async () => {
    const calls: { args: readonly string[]; cwd?: string }[] = [];
    const run: ProcessRunner = (args, options) => {
      calls.push({ args, ...(options?.cwd ? { cwd: options.cwd } : {}) });
      return Promise.resolve({ args, exitCode: 0, stdout: "M  compose.yaml\n", stderr: "", durationMs: 1 });
    };
    const checks = await gitChecks(project, run);
    expect(calls).toEqual([
      { args: ["git", "status", "--porcelain", "--", "compose.yaml"], cwd: "/srv/app" },
    ]);
    expect(checks.map((c) => c.status)).toEqual(["warn"]);
  });

  it("says nothing outside a git checkout or without git", async () => {
    const notRepo: ProcessRunner = (args) =>
      Promise.resolve({
        args,
        exitCode: 128,
        stdout: "",
        stderr: "fatal: not a git repository",
        durationMs: 1,
      });
    expect(await gitChecks(project, notRepo)).toEqual([]);
    const noGit: ProcessRunner = () => Promise.reject(new Error("git: command not found"));
    expect(await gitChecks(project, noGit)).toEqual([]);
  });
});
