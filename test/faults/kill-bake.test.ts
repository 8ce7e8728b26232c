/**
 * Issue 12 fault suite: kill -9, SIGINT and SIGTERM at random moments of real bakes (planning,
 * building, pinning). After every signal the compose file parses and each service has exactly one
 * of build:/image:; every ten rounds the next bake completes, no build process of a killed kiln
 * is left running, and a restore gives the original file back byte for byte. Seeded: the
 * moments replay with KILN_KILL_SEED.
 */
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { bakeFixture, engineAvailable, removeDir } from "../helpers/kiln.js";
import { processesWith, tryKill } from "../helpers/processes.js";
import { runKilnAsync, seeded, sleep, startKiln } from "../helpers/kiln-async.js";

const KILLS = 50;
const INTERRUPTS = 10; // each of SIGINT and SIGTERM
const SEED = Number(process.env.KILN_KILL_SEED ?? 4242);
const dirs: string[] = [];
const marks = new Set<string>();

afterAll(() => {
  for (const mark of marks) for (const pid of processesWith(mark)) tryKill(pid);
  dirs.forEach(removeDir);
});

/** the file as compose reads it: parses, and each service either builds or is pinned */
function checkConsistent(file: string, what: string): "pinned" | "unpinned" | "mixed" {
  const text = readFileSync(file, "utf8");
  const doc = parse(text) as { services: Record<string, Record<string, unknown>> };
  const states = Object.entries(doc.services).map(([name, svc]) => {
    expect(
      "build" in svc !== "image" in svc,
      `${what}: ${name} has exactly one of build:/image:\n${text}`,
    ).toBe(true);
    return "image" in svc;
  });
  if (states.every(Boolean)) return "pinned";
  return states.some(Boolean) ? "mixed" : "unpinned";
}

describe.skipIf(!engineAvailable())("kill -9 / SIGINT / SIGTERM at random moments of a bake", () => {
  it(`${KILLS} kill -9 and ${INTERRUPTS} each of SIGINT and SIGTERM: files consistent, nothing left running, restore byte-identical`, async () => {
    const { dir, env } = bakeFixture("kill");
    dirs.push(dir, `${dir}.state`);
    const compose = path.join(dir, "compose.yaml");
    const original = readFileSync(compose, "utf8");
    const random = seeded(SEED);
    const signals: NodeJS.Signals[] = [
      ...Array<NodeJS.Signals>(KILLS).fill("SIGKILL"),
      ...Array<NodeJS.Signals>(INTERRUPTS).fill("SIGINT"),
      ...Array<NodeJS.Signals>(INTERRUPTS).fill("SIGTERM"),
    ];
    const seen = { pinned: 0, unpinned: 0, mixed: 0, finishedFirst: 0, checkpoints: 0 };
    for (const [round, signal] of signals.entries()) {
      const mark = randomBytes(6).toString("hex");
      marks.add(mark);
      writeFileSync(path.join(dir, "app", "round.txt"), `${round}\n`); // stale every round
      const bake = startKiln(["bake", "--project-dir", dir, "--progress", "plain"], {
        env: { ...env, KILN_TEST_MARK: mark },
      });
      await sleep(Math.floor(random() * 2500));
      bake.child.kill(signal);
      const r = await bake.done;
      const what = `round ${round} (${signal})`;
      if (r.code === 0) seen.finishedFirst++;
      else if (signal === "SIGKILL") expect(r.signal, what).toBe("SIGKILL");
      // before kiln's handler is in place (Node starting) the default action ends it by the
      // signal; once it is, kiln stops its builds and exits 130
      else if (r.signal !== null) expect(r.signal, what).toBe(signal);
      else {
        expect(r.code, `${what}: exit\n${r.stderr}`).toBe(130);
        expect(r.stderr, what).not.toMatch(/\n\s+at .*:\d+:\d+\)?\n/); // no stack trace
      }
      seen[checkConsistent(compose, what)]++;
      if (signal !== "SIGKILL") {
        // an interrupted kiln stops its own builds before it exits
        await sleep(300);
        expect(processesWith(mark), `${what}: builds left running`).toEqual([]);
      }
      if ((round + 1) % 10 === 0) {
        seen.checkpoints++;
        const next = await runKilnAsync(["bake", "--project-dir", dir], { env });
        expect(next.code, `${what}: the next bake\n${next.stderr}`).toBe(0);
        expect(checkConsistent(compose, `${what}: after the next bake`)).toBe("pinned");
        // whatever a killed kiln left building was ended by that run (by recorded pid)
        for (let i = 0; i < 50 && processesWith(mark).length > 0; i++) await sleep(100);
        expect(processesWith(mark), `${what}: orphans after the next run`).toEqual([]);
        const restore = await runKilnAsync(["restore", "--project-dir", dir], { env });
        expect(restore.code, restore.stderr).toBe(0);
        expect(readFileSync(compose, "utf8"), `${what}: restore`).toBe(original);
      }
    }
    console.log(
      `kill loop: ${KILLS} kill -9, ${INTERRUPTS} SIGINT, ${INTERRUPTS} SIGTERM (seed ${SEED}); file after the signal: ${seen.pinned} pinned, ${seen.unpinned} unpinned, ${seen.mixed} one of two pinned; ${seen.finishedFirst} bakes finished before their signal; ${seen.checkpoints} checkpoints (bake, no orphans, restore byte-identical)`,
    );
    expect(seen.checkpoints).toBe(signals.length / 10);
    expect(seen.mixed, "both services are pinned in one commit").toBe(0);
    // the signals landed before, during and after pinning alike
    expect(seen.unpinned).toBeGreaterThan(0);
    expect(seen.pinned).toBeGreaterThan(0);
  }, 900_000);
});
