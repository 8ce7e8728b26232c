/**
 * The run history against the real engine: a two-service bake is recorded with its steps
 * (executed and cached), a no-op bake as skipped, a failed build as failed; 20 kill -9 at
 * random moments of bakes leave only parseable records, each run once, the killed ones
 * interrupted; 4 concurrent bakes of different projects sharing one state dir each record
 * exactly their own runs.
 */
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import {
  engineAvailable,
  removeDir,
  runKiln,
  tempCopy,
  testLabel,
  TEST_LABEL,
  testRunId,
} from "../helpers/kiln.js";
import { runKilnAsync, seeded, startKiln } from "../helpers/kiln-async.js";
import { expectSchema } from "../helpers/json-schema.js";

interface HistoryJson {
  total: number;
  runs: {
    id: string;
    command: string;
    state: string;
    pid: number;
    services: {
      service: string;
      outcome: string;
      bytesSent?: number;
      imageSize?: number;
      fingerprint?: string;
      steps: { name: string; state: string; durationMs: number }[];
    }[];
    totals: { steps: number; cached: number; executed: number };
  }[];
}

const dirs: string[] = [];
afterAll(() => {
  dirs.forEach(removeDir);
  const ids = spawnSync(
    "docker",
    [
      "images",
      "-q",
      "--filter",
      `label=${TEST_LABEL}=${testRunId()}`,
      "--filter",
      "reference=kiln.invalid/hist*",
    ],
    { encoding: "utf8" },
  )
    .stdout.split("\n")
    .filter(Boolean);
  if (ids.length > 0) spawnSync("docker", ["image", "rm", "-f", ...new Set(ids)]);
});

/** two services on the local busybox: one step that copies a file, one that runs a little */
function project(name: string, sleep = "0.3"): string {
  const dir = tempCopy();
  const root = path.join(dir, name);
  for (const svc of ["api", "worker"]) {
    mkdirSync(path.join(root, svc), { recursive: true });
    writeFileSync(
      path.join(root, svc, "Dockerfile"),
      `FROM kiln-local/busybox:latest\nCOPY stable.txt /stable.txt\nCOPY src.txt /src.txt\nRUN sleep ${sleep} && cat /src.txt > /out.txt\n`,
    );
    writeFileSync(path.join(root, svc, "stable.txt"), `${svc} ${process.pid} ${Math.random()}\n`);
    writeFileSync(path.join(root, svc, "src.txt"), "v1\n");
  }
  writeFileSync(
    path.join(root, "compose.yaml"),
    "services:\n  api:\n    build: ./api\n  worker:\n    build: ./worker\n",
  );
  dirs.push(dir);
  return root;
}

function historyOf(dir: string, env: NodeJS.ProcessEnv): HistoryJson {
  const r = runKiln(["history", "--json", "--limit", "1000", "--project-dir", dir], { env });
  expect(r.code, r.stderr).toBe(0);
  const data = JSON.parse(r.stdout) as unknown;
  expectSchema("history", data);
  return data as HistoryJson;
}

/** every file in every project's runs folder parses (no half-written record) */
function allRecords(stateDir: string): { id: string; pid: number; state: string }[] {
  const out: { id: string; pid: number; state: string }[] = [];
  const projects = path.join(stateDir, "projects");
  for (const p of readdirSync(projects)) {
    let names: string[] = [];
    try {
      names = readdirSync(path.join(projects, p, "runs")).filter((n) => n.endsWith(".json"));
    } catch {
      continue;
    }
    for (const n of names)
      out.push(
        JSON.parse(readFileSync(path.join(projects, p, "runs", n), "utf8")) as {
          id: string;
          pid: number;
          state: string;
        },
      );
  }
  return out;
}

describe.skipIf(!engineAvailable())("kiln history", () => {
  it("records a bake's services and steps, a no-op bake and a failed build", () => {
    const dir = project("histbasic");
    const env = { KILN_STATE_DIR: `${dir}.state`, KILN_LABELS: testLabel() };
    dirs.push(`${dir}.state`);
    const first = runKiln(["bake", "--json", "--project-dir", dir], { env });
    expect(first.code, first.stderr).toBe(0);
    writeFileSync(path.join(dir, "api", "src.txt"), "v2\n");
    const second = runKiln(["bake", "--json", "--project-dir", dir], { env });
    expect(second.code, second.stderr).toBe(0);
    const noop = runKiln(["bake", "--project-dir", dir], { env });
    expect(noop.code, noop.stderr).toBe(0);
    // a short run that went well ends with its summary, no pointer at the report
    expect(noop.stdout).not.toContain("kiln report");

    const h = historyOf(dir, env);
    expect(h.total).toBe(3);
    const [latest, rebuilt, cold] = h.runs;
    expect(cold?.services.map((s) => s.outcome)).toEqual(["built", "built"]);
    for (const s of cold?.services ?? []) {
      expect(s.steps.map((x) => x.state)).toEqual(["done", "done", "done"]);
      expect(s.bytesSent).toBeGreaterThan(0);
      expect(s.imageSize).toBeGreaterThan(0);
      expect(s.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    }
    // api's src.txt changed: the stable copy is cached, the rest runs again; worker is skipped
    const api = rebuilt?.services.find((s) => s.service === "api");
    expect(api?.outcome).toBe("built");
    expect(api?.steps.map((x) => x.state)).toEqual(["cached", "done", "done"]);
    expect(rebuilt?.services.find((s) => s.service === "worker")?.outcome).toBe("skipped");
    expect(rebuilt?.totals).toMatchObject({ steps: 3, cached: 1, executed: 2 });
    expect(latest?.services.map((s) => s.outcome)).toEqual(["skipped", "skipped"]);
    expect(latest?.state).toBe("done");

    writeFileSync(path.join(dir, "worker", "Dockerfile"), "FROM kiln-local/busybox:latest\nRUN exit 3\n");
    const failed = runKiln(["bake", "--project-dir", dir], { env });
    expect(failed.code).toBe(1);
    // … a failed one ends with one line pointing at the report (#17.4)
    expect(failed.stdout.trimEnd().split("\n").at(-1)).toBe(
      `this run failed: kiln report --open --project-dir ${dir} shows its timeline (kiln history lists the runs)`,
    );
    const after = historyOf(dir, env);
    expect(after.total).toBe(4);
    expect(after.runs[0]?.state).toBe("failed");
    const worker = after.runs[0]?.services.find((s) => s.service === "worker");
    expect(worker?.outcome).toBe("failed");
    expect(worker?.steps.some((s) => s.state === "error")).toBe(true);

    const text = runKiln(["history", "--project-dir", dir], { env });
    expect(text.stdout.split("\n")[0]).toMatch(/kiln bake\s+failed/);
  });

  it("survives 20 kill -9 at random moments of bakes: every record parses, each run once", async () => {
    const dir = project("histkill", "0.4");
    const stateDir = `${dir}.state`;
    dirs.push(stateDir);
    const env = { KILN_STATE_DIR: stateDir, KILN_LABELS: testLabel() };
    const random = seeded(20261205);
    const pids: number[] = [];
    for (let i = 0; i < 20; i++) {
      writeFileSync(path.join(dir, "api", "src.txt"), `kill ${i}\n`);
      writeFileSync(path.join(dir, "worker", "src.txt"), `kill ${i}\n`);
      const started = startKiln(["bake", "--progress", "plain", "--project-dir", dir], { env });
      pids.push(started.child.pid ?? -1);
      const delay = Math.floor(random() * 1500);
      await new Promise((r) => setTimeout(r, delay));
      started.child.kill("SIGKILL");
      await started.done;
    }
    // a last bake completes (and recovers whatever the kills left)
    const last = await runKilnAsync(["bake", "--project-dir", dir], { env });
    expect(last.code, last.stderr).toBe(0);

    const records = allRecords(stateDir);
    const ids = records.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    const perPid = new Map<number, number>();
    for (const r of records) perPid.set(r.pid, (perPid.get(r.pid) ?? 0) + 1);
    expect([...perPid.values()].every((n) => n === 1)).toBe(true);
    for (const r of records) expect(pids.includes(r.pid) || r.state === "done").toBe(true);

    const h = historyOf(dir, env);
    expect(h.total).toBe(records.length);
    expect(h.runs[0]?.state).toBe("done");
    // killed runs that got as far as recording read back as interrupted (never "running")
    for (const run of h.runs.slice(1)) expect(["interrupted", "done"]).toContain(run.state);
    expect(h.runs.slice(1).some((r) => r.state === "interrupted")).toBe(true);
  });

  it("4 concurrent bakes of different projects sharing a state dir record their own runs", async () => {
    const stateDir = `${tempCopy()}-shared.state`;
    dirs.push(stateDir);
    const env = { KILN_STATE_DIR: stateDir, KILN_LABELS: testLabel() };
    const projects = ["histc1", "histc2", "histc3", "histc4"].map((n) => project(n, "0.2"));
    for (let round = 0; round < 2; round++) {
      for (const p of projects) writeFileSync(path.join(p, "api", "src.txt"), `round ${round}\n`);
      const runs = await Promise.all(
        projects.map((p) => runKilnAsync(["bake", "--project-dir", p], { env })),
      );
      for (const r of runs) expect(r.code, r.stderr).toBe(0);
    }
    for (const p of projects) {
      const h = historyOf(p, env);
      expect(h.total).toBe(2);
      expect(h.runs.every((r) => r.state === "done")).toBe(true);
      expect(h.runs[0]?.services.find((s) => s.service === "api")?.outcome).toBe("built");
    }
    expect(allRecords(stateDir)).toHaveLength(8);
  });
});
