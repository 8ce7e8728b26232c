import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { newRunId, RunLog } from "../../../src/adapters/history/run-log.js";
import { RunRecorder } from "../../../src/adapters/history/run-recorder.js";
import { settleState, totalsOverTime, type RunRecord } from "../../../src/core/history/run-record.js";
import { contextBytesOf } from "../../../src/core/build/events.js";
import { PlainProgressParser } from "../../../src/core/build/parse-plain.js";
import { RawJsonProgressParser } from "../../../src/core/build/parse-rawjson.js";
import { quietReporter } from "../../../src/report/progress/create-reporter.js";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
function stateDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), "kiln-runlog-"));
  dirs.push(d);
  return d;
}

function record(id: string, over: Partial<RunRecord> = {}): RunRecord {
  return {
    schema: 1,
    id,
    command: "bake",
    projectDir: "/p",
    kilnVersion: "0.0.0",
    host: os.hostname(),
    pid: 999_999_999,
    startedAt: new Date(0).toISOString(),
    endedAt: new Date(1000).toISOString(),
    state: "done",
    services: [],
    ...over,
  };
}

describe("RunLog", () => {
  it("keeps the newest runs up to its bound, oldest dropped", () => {
    const log = new RunLog(stateDir(), { limit: 5 });
    for (let i = 0; i < 8; i++) log.write(record(newRunId(1000 + i)));
    expect(log.prune()).toBe(3);
    const runs = log.list();
    expect(runs).toHaveLength(5);
    expect(runs[0]?.id.startsWith("000000000001003")).toBe(true);
    expect(log.list(2).map((r) => r.id.slice(0, 15))).toEqual(["000000000001006", "000000000001007"]);
  });

  it("sets an unreadable file aside with a warning and lists the rest", () => {
    const dir = stateDir();
    const warnings: string[] = [];
    const log = new RunLog(dir, { warn: (l) => warnings.push(l) });
    log.write(record(newRunId(1)));
    writeFileSync(path.join(dir, "runs", "000000000000002-1-aaaa.json"), '{"schema":1,"id":');
    expect(log.list()).toHaveLength(1);
    expect(warnings.join("\n")).toMatch(/unreadable; moved to/);
    expect(readdirSync(path.join(dir, "runs", "unreadable"))).toEqual(["000000000000002-1-aaaa.json"]);
  });

  it("reads a run left running by a dead process as interrupted", () => {
    const running = record("x", {
      state: "running",
      services: [{ service: "a", outcome: "pending", steps: [] }],
    });
    const settled = settleState(running, () => false, os.hostname());
    expect(settled.state).toBe("interrupted");
    expect(settled.services[0]?.outcome).toBe("interrupted");
    expect(settleState(running, () => true, os.hostname()).state).toBe("running");
  });
});

describe("totals over time", () => {
  it("prices a cached step at its last executed duration", () => {
    const step = (state: "done" | "cached", durationMs: number) => ({
      name: "[stage-0 2/3] RUN make",
      state,
      startMs: 0,
      durationMs,
    });
    const a = record("a", { services: [{ service: "s", outcome: "built", steps: [step("done", 4000)] }] });
    const b = record("b", { services: [{ service: "s", outcome: "built", steps: [step("cached", 0)] }] });
    const [ta, tb] = totalsOverTime([a, b]);
    expect(ta).toMatchObject({ steps: 1, cached: 0, executed: 1, savedMs: 0 });
    expect(tb).toMatchObject({ steps: 1, cached: 1, cacheHitRatio: 1, savedMs: 4000 });
  });
});

describe("RunRecorder", () => {
  it("records steps with their timing and writes at each service's end", () => {
    let now = 10_000;
    const dir = stateDir();
    const rec = new RunRecorder(quietReporter, { command: "bake", kilnVersion: "0.0.0", now: () => now });
    rec.attach({ projectDir: "/p", stateDir: dir });
    rec.start(["api"]);
    rec.serviceStarted("api");
    now += 100;
    rec.event("api", { type: "step", id: "1", name: "[stage-0 2/3] RUN make", state: "started" });
    rec.event("api", { type: "context", bytes: 512 });
    now += 900;
    rec.event("api", {
      type: "step",
      id: "1",
      name: "[stage-0 2/3] RUN make",
      state: "done",
      durationMs: 900,
    });
    rec.event("api", { type: "step", id: "2", name: "[stage-0 3/3] COPY a /a", state: "cached" });
    rec.serviceFinished({
      service: "api",
      image: "i",
      action: "built",
      reason: "r",
      durationMs: 1000,
      steps: { total: 2, cached: 1 },
    });
    const onDisk = new RunLog(dir).list();
    expect(onDisk).toHaveLength(1);
    expect(onDisk[0]?.services[0]).toMatchObject({
      outcome: "built",
      bytesSent: 512,
      steps: [
        { state: "done", startMs: 100, durationMs: 900 },
        { state: "cached", durationMs: 0 },
      ],
    });
    rec.finish("done");
    expect(new RunLog(dir).list()[0]?.state).toBe("done");
  });
});

describe("context bytes in build progress", () => {
  it("reads them from plain and rawjson progress", () => {
    expect(contextBytesOf("transferring context: 2.04kB 0.0s done")).toBe(2040);
    expect(contextBytesOf("transferring context: 44B done")).toBe(44);
    const plain = new PlainProgressParser();
    plain.push("#6 [internal] load build context");
    expect(plain.push("#6 transferring context: 1.5MB 0.1s done")).toContainEqual({
      type: "context",
      bytes: 1_500_000,
    });
    const raw = new RawJsonProgressParser();
    const events = raw.push(
      JSON.stringify({ statuses: [{ id: "transferring context:", vertex: "sha256:1", current: 321 }] }),
    );
    expect(events).toEqual([{ type: "context", bytes: 321 }]);
  });
});
