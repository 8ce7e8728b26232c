/**
 * Issue 12 item 5: kill -9 of kiln during a build used to leave the docker build processes
 * running. Builds run in their own process group, recorded (pid + start time) in the state dir;
 * the next kiln run — or `kiln doctor --fix` — ends the orphans of a dead kiln by recorded pid,
 * and `kiln doctor` reports them.
 */
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { bakeFixture, engineAvailable, removeDir } from "../helpers/kiln.js";
import { processesWith, tryKill } from "../helpers/processes.js";
import { runKilnAsync, sleep, startKiln } from "../helpers/kiln-async.js";

const dirs: string[] = [];
const marked = new Set<string>();
afterAll(() => {
  // whatever a failed assertion left running is ended here, found by the test's own marker
  for (const mark of marked) for (const pid of processesWith(mark)) tryKill(pid);
  dirs.forEach(removeDir);
});

async function waitFor(
  what: string | (() => string),
  check: () => boolean,
  timeoutMs: number,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end)
      throw new Error(`timed out waiting for ${typeof what === "string" ? what : what()}`);
    await sleep(100);
  }
}

/** starts a bake of the slow project, waits until its build runs, kill -9s kiln; returns the orphans */
async function killMidBuild(): Promise<{ dir: string; env: NodeJS.ProcessEnv; orphans: number[] }> {
  const { dir, env } = bakeFixture("orphans");
  dirs.push(dir, `${dir}.state`);
  const mark = randomBytes(6).toString("hex");
  marked.add(mark);
  env.KILN_TEST_MARK = mark;
  const bake = startKiln(["bake", "--project-dir", dir, "--progress", "plain"], { env });
  const kilnPid = bake.child.pid!;
  let output = "";
  bake.child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  bake.child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  // the build is running once the RUN sleep step has started
  await waitFor(
    () => `the slow build step (output so far:\n${output})`,
    () => /sleep 300/.test(output),
    60_000,
  );
  await sleep(300);
  process.kill(kilnPid, "SIGKILL");
  await bake.done;
  await sleep(300);
  const orphans = processesWith(mark).filter((p) => p !== kilnPid);
  return { dir, env, orphans };
}

describe.skipIf(!engineAvailable())("orphaned build processes after kill -9", () => {
  it("the next kiln run ends the build processes a killed kiln left", async () => {
    const { dir, env, orphans } = await killMidBuild();
    expect(orphans.length, "build processes outlive kill -9 of kiln").toBeGreaterThan(0);
    // doctor reports them (without ending them)
    const doctor = await runKilnAsync(["doctor", "--project-dir", dir, "--json"], { env });
    const checks = (
      JSON.parse(doctor.stdout) as { checks: { id: string; status: string; message: string }[] }
    ).checks;
    const check = checks.find((c) => c.id === "state.orphans");
    expect(check?.status, doctor.stdout).toBe("warn");
    expect(processesWith(env.KILN_TEST_MARK!).length).toBeGreaterThan(0);
    // the next kiln run ends them
    const restore = await runKilnAsync(["restore", "--project-dir", dir], {
      env: { ...env, KILN_TEST_MARK: "" },
    });
    expect(restore.code, restore.stderr).toBe(0);
    expect(restore.stderr).toMatch(/ended a build left running by a kiln process that was killed: pid \d+/);
    await waitFor("the orphans to end", () => processesWith(env.KILN_TEST_MARK!).length === 0, 10_000);
  });

  it("kiln doctor --fix ends them too", async () => {
    const { dir, env, orphans } = await killMidBuild();
    expect(orphans.length).toBeGreaterThan(0);
    const fix = await runKilnAsync(["doctor", "--fix", "--project-dir", dir, "--json"], {
      env: { ...env, KILN_TEST_MARK: "" },
    });
    const checks = (JSON.parse(fix.stdout) as { checks: { id: string; status: string; message: string }[] })
      .checks;
    expect(checks.find((c) => c.id === "state.orphans")?.message, fix.stdout).toMatch(
      /^ended \d+ build process/,
    );
    await waitFor("the orphans to end", () => processesWith(env.KILN_TEST_MARK!).length === 0, 10_000);
    // and a run after that finds nothing left to end
    const again = await runKilnAsync(["doctor", "--project-dir", dir, "--json"], {
      env: { ...env, KILN_TEST_MARK: "" },
    });
    const after = (JSON.parse(again.stdout) as { checks: { id: string; status: string }[] }).checks;
    expect(after.find((c) => c.id === "state.orphans")?.status).toBe("ok");
  });
});
