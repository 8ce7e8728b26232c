/**
 * Issue 12 item 4: bake racing bake, and bake racing restore, with planning slowed down by a
 * delaying engine proxy (DOCKER_HOST=unix://… in front of the real engine). 50 races of each,
 * run as 5 lanes of 10 (one project per lane). Every run must end with exit 0 or the documented
 * lock-busy error (exit 4), never `has no build: key`; every compose file parses; the file and
 * kiln's pin records agree; and the run that finished last decides the end state — a bake never
 * acts on a plan made before another run changed the file.
 * Runtime: ≈30–60 s on 2 cores (the delay is 80 ms per engine response chunk).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pinsPath, readPins } from "../../src/adapters/state/pin-store.js";
import { projectStateDir } from "../../src/adapters/state/state-dir.js";
import { bakeFixture, engineAvailable, removeDir } from "../helpers/kiln.js";
import { runKilnAsync, seeded, sleep, startKiln, type AsyncKilnRun } from "../helpers/kiln-async.js";
import { startSlowEngine, type SlowEngine } from "../helpers/slow-engine.js";

const LANES = 5;
const RACES_PER_LANE = 10;
const DELAY_MS = 80;
/** exits closer than this may be in either lock order (see checkEnd) */
const EXIT_TAIL_MS = 100;
/** races whose end state the exit order decided */
let decided = 0;

interface Lane {
  dir: string;
  env: NodeJS.ProcessEnv;
  compose: string;
  stateDir: string;
}

let slow: SlowEngine;
const lanes: Lane[] = [];
const counts = { bakeBake: 0, bakeRestore: 0, lockBusy: 0, ok: 0 };

beforeAll(async () => {
  if (!engineAvailable()) return;
  slow = await startSlowEngine(DELAY_MS);
  for (let i = 0; i < LANES; i++) {
    const { dir, env } = bakeFixture("race");
    env.DOCKER_HOST = slow.dockerHost;
    const lane = {
      dir,
      env,
      compose: path.join(dir, "compose.yaml"),
      stateDir: projectStateDir(dir, { KILN_STATE_DIR: env.KILN_STATE_DIR }),
    };
    lanes.push(lane);
  }
  // the first bake builds (once per lane); every later bake is a no-op build plus the pin
  const first = await Promise.all(lanes.map((l) => kiln(l, "bake")));
  for (const r of first) expect(r.code, r.stderr).toBe(0);
});

afterAll(async () => {
  await slow?.close();
  for (const l of lanes) {
    removeDir(l.dir);
    removeDir(`${l.dir}.state`);
  }
  console.log(
    `race suite: ${counts.bakeBake} bake/bake + ${counts.bakeRestore} bake/restore races, ${counts.ok} runs ok, ${counts.lockBusy} lock-busy, ${decided} end states checked against the exit order`,
  );
});

function kiln(lane: Lane, ...args: string[]): Promise<AsyncKilnRun> {
  return runKilnAsync([args[0], "--project-dir", lane.dir, ...args.slice(1)], { env: lane.env });
}

function pinnedInFile(lane: Lane): boolean {
  const doc = parse(readFileSync(lane.compose, "utf8")) as { services: { web: Record<string, unknown> } };
  const web = doc.services.web;
  expect("build" in web !== "image" in web, `exactly one of build:/image: in\n${JSON.stringify(web)}`).toBe(
    true,
  );
  return "image" in web;
}

function pinnedInRecords(lane: Lane): boolean {
  return readPins(lane.stateDir).files[lane.compose]?.web !== undefined;
}

function checkRun(r: AsyncKilnRun, what: string): void {
  const all = `${what}: exit ${r.code}\n${r.stdout}\n${r.stderr}`;
  expect(all).not.toMatch(/has no build: key/);
  expect(all).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/); // no stack trace
  expect([0, 4], all).toContain(r.code);
  if (r.code === 4) {
    expect(r.stderr, all).toMatch(/another kiln process .* is working on this project/);
    expect(r.stderr, all).toMatch(/hint:/);
    counts.lockBusy++;
  } else counts.ok++;
}

/** the end state: file and records agree, and the last successful run decided it */
function checkEnd(lane: Lane, runs: { kind: "bake" | "restore"; r: AsyncKilnRun }[]): void {
  const file = pinnedInFile(lane);
  expect(pinnedInRecords(lane), `records vs file (${pinsPath(lane.stateDir)})`).toBe(file);
  const ok = runs.filter((x) => x.r.code === 0).sort((a, b) => a.r.endedAt - b.r.endedAt);
  expect(ok.length, JSON.stringify(runs.map((x) => [x.kind, x.r.code, x.r.stderr]))).toBeGreaterThan(0);
  const last = ok.at(-1)!;
  const before = ok.at(-2);
  // Exit order stands for lock order only when the exits are further apart than a run's tail
  // after it releases the lock (its run record, its output, Node's exit): a restore waiting for
  // the lock can do all its work inside a bake's tail and exit first. Seen in CI 1–48 ms apart.
  if (before && last.r.endedAt - before.r.endedAt < EXIT_TAIL_MS) return;
  expect(
    file,
    `last successful run was ${last.kind}: ${JSON.stringify(runs.map((x) => [x.kind, x.r.endedAt]))}`,
  ).toBe(last.kind === "bake");
  decided++;
}

async function race(lane: Lane, kinds: ["bake", "bake" | "restore"], offsetMs: number) {
  const a = startKiln(["bake", "--project-dir", lane.dir], { env: lane.env });
  await sleep(offsetMs);
  const b = startKiln([kinds[1], "--project-dir", lane.dir], { env: lane.env });
  const [ra, rb] = await Promise.all([a.done, b.done]);
  checkRun(ra, kinds[0]);
  checkRun(rb, kinds[1]);
  checkEnd(lane, [
    { kind: kinds[0], r: ra },
    { kind: kinds[1], r: rb },
  ]);
}

/** waits for every lane (none left running into the next test), then reports the first failure */
async function settled(work: Promise<void>[]): Promise<void> {
  const results = await Promise.allSettled(work);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
}

describe.skipIf(!engineAvailable())("races under a slowed engine", () => {
  it("bake racing bake, 50 times: no stale plan, no has-no-build error", async () => {
    await settled(
      lanes.map(async (lane, i) => {
        const random = seeded(1200 + i);
        for (let n = 0; n < RACES_PER_LANE; n++) {
          const reset = await kiln(lane, "restore");
          expect(reset.code, reset.stderr).toBe(0);
          expect(pinnedInFile(lane)).toBe(false);
          await race(lane, ["bake", "bake"], Math.floor(random() * 900));
          counts.bakeBake++;
        }
      }),
    );
    expect(counts.bakeBake).toBe(LANES * RACES_PER_LANE);
  }, 400_000);

  it("bake racing restore, 50 times: the last run decides, files and records agree", async () => {
    await settled(
      lanes.map(async (lane, i) => {
        const random = seeded(2400 + i);
        for (let n = 0; n < RACES_PER_LANE; n++) {
          const reset = await kiln(lane, "bake");
          expect(reset.code, reset.stderr).toBe(0);
          expect(pinnedInFile(lane)).toBe(true);
          await race(lane, ["bake", "restore"], Math.floor(random() * 900));
          counts.bakeRestore++;
        }
      }),
    );
    expect(counts.bakeRestore).toBe(LANES * RACES_PER_LANE);
    // the exit order still decides most races: a check skipped every time would prove nothing
    expect(decided, `races decided by exit order out of ${2 * LANES * RACES_PER_LANE}`).toBeGreaterThan(
      LANES * RACES_PER_LANE,
    );
  }, 400_000);
});
