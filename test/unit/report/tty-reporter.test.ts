/* eslint-disable no-control-regex -- these tests are about ANSI escape sequences */
import { afterEach, describe, expect, it, vi } from "vitest";
import { stripAnsi } from "../../../src/report/color.js";
import { fitSegments, TtyReporter } from "../../../src/report/progress/tty-reporter.js";
import { FakeClock, FakeStream } from "./fake-stream.js";

afterEach(() => {
  vi.useRealTimers();
});

describe("TtyReporter", () => {
  it("shows one line per service with its step, counts and elapsed time", () => {
    const out = new FakeStream(true, 100);
    const clock = new FakeClock();
    const r = new TtyReporter(out, { now: clock.now, refreshMs: 60_000 });
    r.start(["api", "worker-long-name"]);
    r.serviceStarted("api");
    r.event("api", { type: "step", id: "1", name: "[2/5] COPY req.txt .", state: "cached" });
    r.event("api", { type: "step", id: "2", name: "[3/5] RUN pip install -r req.txt", state: "started" });
    clock.advance(12_300);
    const frame = r.frame().map(stripAnsi);
    expect(frame).toHaveLength(2);
    expect(frame[0]).toMatch(/^. api\s+1\/2 steps \(1 cached\)\s+12\.3s\s+RUN pip install -r req\.txt$/);
    expect(frame[1]).toMatch(/^· worker-long-name\s+waiting$/);
    r.close();
  });

  it("redraws in place with cursor movement and keeps lines within the width", () => {
    const out = new FakeStream(true, 40);
    const clock = new FakeClock();
    const r = new TtyReporter(out, { now: clock.now, refreshMs: 60_000 });
    r.start(["a", "b"]);
    r.serviceStarted("a");
    r.event("a", {
      type: "step",
      id: "x",
      name: `[2/2] RUN ${"very-long-argument ".repeat(10)}`,
      state: "started",
    });
    r.close();
    const writes = out.chunks;
    expect(writes.length).toBeGreaterThanOrEqual(2);
    // the second frame moves the cursor back over the two lines of the first one
    expect(writes[1]).toMatch(/^\r\u001b\[2A/);
    for (const line of stripAnsi(writes.at(-1) ?? "")
      .replace(/\r/g, "")
      .split("\n")
      .filter(Boolean)) {
      expect([...line].length).toBeLessThanOrEqual(39);
    }
    expect(stripAnsi(writes.at(-1) ?? "")).toContain("…");
  });

  it("redraws at most every refresh interval", () => {
    vi.useFakeTimers();
    const out = new FakeStream(true, 80);
    const r = new TtyReporter(out, { refreshMs: 100 });
    r.start(["a"]);
    r.serviceStarted("a");
    for (let i = 0; i < 500; i++) r.event("a", { type: "log", id: "x", line: `line ${i}` });
    expect(out.chunks).toHaveLength(1);
    vi.advanceTimersByTime(1000);
    expect(out.chunks.length).toBeGreaterThanOrEqual(10);
    expect(out.chunks.length).toBeLessThanOrEqual(11);
    r.close();
  });

  it("expands a failed service with its last log lines below the block", () => {
    const out = new FakeStream(true, 80);
    const clock = new FakeClock();
    const r = new TtyReporter(out, { now: clock.now, refreshMs: 60_000, logLines: 2 });
    r.start(["api", "web"]);
    r.serviceStarted("api");
    r.serviceStarted("web");
    r.event("api", { type: "step", id: "m", name: "[2/2] RUN make", state: "started" });
    for (const line of ["one", "two", "three"]) r.event("api", { type: "log", id: "m", line });
    r.event("api", { type: "step", id: "m", name: "[2/2] RUN make", state: "error", error: "exit code: 2" });
    clock.advance(1500);
    r.serviceFinished({
      service: "api",
      image: "",
      action: "failed",
      reason: "",
      durationMs: 1500,
      steps: { total: 1, cached: 0 },
    });
    r.serviceFinished({
      service: "web",
      image: "w:1",
      action: "built",
      reason: "",
      durationMs: 1500,
      steps: { total: 1, cached: 1 },
    });
    r.close();
    const last = stripAnsi(out.chunks.at(-1) ?? "").replace(/\u001b\[[0-9;]*[A-Za-z]|\r/g, "");
    expect(last.split("\n")).toEqual([
      "✖ api   FAILED after 1.5s  0/1 steps at RUN make",
      "✔ web   built in 1.5s  1 steps (1 cached)",
      "  ┌ api: last output of RUN make",
      "  │ two",
      "  │ three",
      "  └ exit code: 2",
      "",
    ]);
  });

  it("paints only when colours are on", () => {
    const plain = new FakeStream(true);
    const r1 = new TtyReporter(plain, { color: false });
    r1.start(["a"]);
    r1.close();
    expect(plain.text().replace(/\u001b\[(\d*A|2K|J)|\r/g, "")).not.toMatch(/\u001b/);
    const colored = new FakeStream(true);
    const r2 = new TtyReporter(colored, { color: true });
    r2.start(["a"]);
    r2.close();
    expect(colored.text()).toMatch(/\u001b\[1m/);
  });

  it("shows skipped and pulled services, and never draws more lines than the terminal has", () => {
    const out = new FakeStream(true, 80, 4);
    const clock = new FakeClock();
    const r = new TtyReporter(out, { now: clock.now, refreshMs: 60_000 });
    const names = ["a", "b", "c", "d", "e"];
    r.start(names);
    r.serviceFinished({
      service: "a",
      image: "a:1",
      action: "skipped",
      reason: "skip: fresh",
      durationMs: 0,
      steps: { total: 0, cached: 0 },
    });
    r.serviceFinished({
      service: "b",
      image: "b:1",
      action: "pulled",
      reason: "",
      durationMs: 2000,
      steps: { total: 0, cached: 0 },
    });
    const frame = r.frame().map(stripAnsi);
    expect(frame).toEqual(["- a     skipped: fresh", "✔ b     pulled in 2.0s", "· c     waiting"]);
    r.close();
  });

  it("fitSegments cuts across segments", () => {
    expect(fitSegments([["abc"], ["defgh"]], 5)).toBe("abcd…");
    expect(fitSegments([["abc"], ["de"]], 5)).toBe("abcde");
  });
});
