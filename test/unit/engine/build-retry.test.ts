/**
 * runBuild runs a build once more when the engine lost a layer while exporting (moby/moby#36573,
 * #41595: builds sharing layers at once on one engine; seen in this project's CI as
 * `layer does not exist` from two kiln runs baking the same fixture) — and only then.
 * The runner is a fake; the race itself runs on the real engine in race-slow-engine.test.ts.
 */
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runBuild } from "../../../src/adapters/engine/build.js";
import { ProcessError, type ProcessRunner } from "../../../src/adapters/process-runner.js";
import type { BuildEvent } from "../../../src/core/build/events.js";
import { KilnError } from "../../../src/core/errors.js";

const RACE = "ERROR: failed to solve: failed to get layer sha256:0123abcd: layer does not exist";
const RUN_FAILED =
  'ERROR: failed to solve: process "/bin/sh -c make" did not complete successfully: exit code: 2';

/** a runner that fails with each of `failures` in turn (an ERROR line on stderr), then succeeds */
function scripted(failures: string[]): { runner: ProcessRunner; calls: () => number; argv: string[][] } {
  let calls = 0;
  const argv: string[][] = [];
  const runner: ProcessRunner = async (args, options) => {
    argv.push([...args]);
    const failure = failures[calls++];
    if (failure !== undefined) {
      options?.onStderrLine?.(failure);
      throw new ProcessError(args, 1, "", failure, "exited with code 1");
    }
    writeFileSync(args[args.indexOf("--iidfile") + 1] ?? "", "sha256:built\n");
    return { args, exitCode: 0, stdout: "", stderr: "", durationMs: 1 };
  };
  return { runner, calls: () => calls, argv };
}

const client = {
  path: "/usr/bin/docker",
  version: "28.2.2",
  mode: "buildx" as const,
  argv: ["docker"],
  env: {},
};
const req = { context: "/ctx", tags: ["t:1"], labels: {}, args: {} };

describe("runBuild and the engine's layer race", () => {
  it("builds again once, without the layer cache, and says so in a retry event", async () => {
    const { runner, calls, argv } = scripted([RACE]);
    const events: BuildEvent[] = [];
    const out = await runBuild(client, req, { runner, onEvent: (e) => events.push(e) });
    expect(out.imageId).toBe("sha256:built");
    expect(calls()).toBe(2);
    expect(argv[0]).not.toContain("--no-cache");
    expect(argv[1]).toContain("--no-cache");
    expect(argv[1]?.filter((a) => a !== "--no-cache")).toEqual(argv[0]);
    expect(events.filter((e) => e.type === "retry")).toEqual([
      { type: "retry", reason: "failed to get layer sha256:0123abcd: layer does not exist" },
    ]);
  });

  it("fails when the race comes back on the second run, with a hint that names it", async () => {
    const { runner, calls } = scripted([RACE, RACE]);
    const err = await runBuild(client, req, { runner }).catch((e: unknown) => e);
    expect(calls()).toBe(2);
    expect(err).toBeInstanceOf(KilnError);
    expect((err as KilnError).code).toBe("ERR_KILN_BUILD_FAILED");
    expect((err as KilnError).hint).toMatch(/known engine race.*docker builder prune/);
  });

  it("never builds again when the Dockerfile's own step failed", async () => {
    const { runner, calls } = scripted([RUN_FAILED]);
    const events: BuildEvent[] = [];
    const err = await runBuild(client, req, { runner, onEvent: (e) => events.push(e) }).catch(
      (e: unknown) => e,
    );
    expect(calls()).toBe(1);
    expect(events.some((e) => e.type === "retry")).toBe(false);
    expect((err as KilnError).message).toMatch(/did not complete successfully/);
  });

  it("never builds again once the run was interrupted", async () => {
    const { runner, calls } = scripted([RACE]);
    const abort = new AbortController();
    abort.abort();
    await expect(runBuild(client, req, { runner, signal: abort.signal })).rejects.toThrow(
      /layer does not exist/,
    );
    expect(calls()).toBe(1);
  });
});
