/* eslint-disable no-control-regex -- these tests are about ANSI escape sequences */
import { describe, expect, it } from "vitest";
import { PlainReporter } from "../../../src/report/progress/plain-reporter.js";
import { FakeClock, FakeStream } from "./fake-stream.js";

describe("PlainReporter", () => {
  it("prints one stable timestamped line per step state change, no ANSI", () => {
    const out = new FakeStream();
    const clock = new FakeClock();
    const r = new PlainReporter(out, { now: clock.now });
    r.start(["api", "worker"]);
    r.serviceStarted("api");
    r.event("api", {
      type: "step",
      id: "d0",
      name: "[internal] load build definition from Dockerfile",
      state: "started",
    });
    r.event("api", {
      type: "step",
      id: "d1",
      name: "[1/4] FROM docker.io/kiln-local/busybox:latest",
      state: "done",
    });
    r.event("api", { type: "step", id: "d2", name: "[2/4] COPY requirements.txt .", state: "cached" });
    clock.advance(1000);
    r.event("api", {
      type: "step",
      id: "d3",
      name: "[3/4] RUN  pip install \\\n   -r requirements.txt",
      state: "started",
    });
    r.event("api", { type: "log", id: "d3", line: "Collecting flask" });
    clock.advance(1200);
    r.event("api", {
      type: "step",
      id: "d3",
      name: "[3/4] RUN  pip install \\\n   -r requirements.txt",
      state: "done",
      durationMs: 1200,
    });
    r.event("api", { type: "step", id: "d4", name: "[4/4] COPY . .", state: "started" });
    r.event("api", { type: "step", id: "d4", name: "[4/4] COPY . .", state: "done", durationMs: 40 });
    clock.advance(1200);
    r.serviceFinished({
      service: "api",
      image: "demo-api:kiln-1234",
      action: "built",
      reason: "build: no image",
      durationMs: 3400,
      steps: { total: 3, cached: 1 },
    });
    r.serviceFinished({
      service: "worker",
      image: "demo-worker:kiln-99",
      action: "skipped",
      reason: "skip: fresh",
      durationMs: 0,
      steps: { total: 0, cached: 0 },
    });
    r.close();
    expect(out.text()).toBe(
      [
        "12:00:00 building 2 service(s): api, worker",
        "12:00:00 [api] started",
        "12:00:00 [api] #2 COPY requirements.txt . cached",
        "12:00:01 [api] #3 RUN pip install \\ -r requirements.txt",
        "12:00:02 [api] #3 RUN pip install \\ -r requirements.txt done 1.2s",
        "12:00:02 [api] #4 COPY . .",
        "12:00:02 [api] #4 COPY . . done 0.0s",
        "12:00:03 [api] built in 3.4s (3 steps, 1 cached)",
        "12:00:03 [worker] skipped: fresh",
        "",
      ].join("\n"),
    );
    expect(out.text()).not.toMatch(/\u001b/);
  });

  it("shows the failed step's last log lines", () => {
    const out = new FakeStream();
    const clock = new FakeClock();
    const r = new PlainReporter(out, { now: clock.now, logLines: 2 });
    r.serviceStarted("api");
    r.event("api", { type: "step", id: "a", name: "[2/3] RUN make", state: "started" });
    r.event("api", { type: "step", id: "b", name: "[stage-1 2/2] RUN other", state: "started" });
    r.event("api", { type: "log", id: "a", line: "cc -c x.c" });
    r.event("api", { type: "log", id: "b", line: "noise from another step" });
    r.event("api", { type: "log", id: "a", line: "x.c:1: error: boom" });
    r.event("api", { type: "log", id: "a", line: "make: *** [x.o] Error 1" });
    r.event("api", {
      type: "step",
      id: "a",
      name: "[2/3] RUN make",
      state: "error",
      error: 'process "/bin/sh -c make" did not complete successfully: exit code: 2',
    });
    clock.advance(2000);
    r.serviceFinished({
      service: "api",
      image: "",
      action: "failed",
      reason: "build: no image",
      durationMs: 2000,
      steps: { total: 2, cached: 0 },
      error: "build failed",
    });
    expect(out.text().split("\n").slice(1)).toEqual([
      "12:00:00 [api] #2 RUN make",
      "12:00:00 [api] #stage-1:2 RUN other",
      '12:00:00 [api] #2 RUN make ERROR: process "/bin/sh -c make" did not complete successfully: exit code: 2',
      "12:00:02 [api] FAILED after 2.0s (2 steps, 0 cached)",
      "12:00:02 [api] last output at RUN make:",
      "12:00:02 [api] | x.c:1: error: boom",
      "12:00:02 [api] | make: *** [x.o] Error 1",
      "",
    ]);
  });

  it("prints the same lines whether a cached step was reported started first (legacy) or not (buildx)", () => {
    const legacy = new FakeStream();
    const r1 = new PlainReporter(legacy, { now: new FakeClock().now });
    // the legacy client's plain progress: each cached step is `#N [i/n] …` then `#N CACHED`, in any order
    for (const [id, name] of [
      ["#6", "[3/3] RUN b"],
      ["#5", "[builder 2/3] RUN a"],
    ] as const) {
      r1.event("svc", { type: "step", id, name, state: "started" });
      r1.event("svc", { type: "step", id, name, state: "cached" });
    }
    r1.close();
    const buildx = new FakeStream();
    const r2 = new PlainReporter(buildx, { now: new FakeClock().now });
    r2.event("svc", { type: "step", id: "sha256:b", name: "[3/3] RUN b", state: "cached" });
    r2.event("svc", { type: "step", id: "sha256:a", name: "[builder 2/3] RUN a", state: "cached" });
    r2.close();
    expect(legacy.text()).toBe("12:00:00 [svc] #3 RUN b cached\n12:00:00 [svc] #builder:2 RUN a cached\n");
    expect(buildx.text()).toBe(legacy.text());
  });

  it("prints a held started line once the step runs a while, with the time it started", async () => {
    const out = new FakeStream();
    const clock = new FakeClock();
    const r = new PlainReporter(out, { now: clock.now, holdMs: 5 });
    r.event("svc", { type: "step", id: "x", name: "[2/2] RUN sleep 60", state: "started" });
    clock.advance(3000);
    expect(out.text()).toBe("");
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(out.text()).toBe("12:00:00 [svc] #2 RUN sleep 60\n");
    r.close();
  });

  it("falls back to the error message when the build printed nothing", () => {
    const out = new FakeStream();
    const r = new PlainReporter(out, { now: new FakeClock().now });
    r.serviceFinished({
      service: "db",
      image: "",
      action: "failed",
      reason: "build: no image",
      durationMs: 100,
      steps: { total: 0, cached: 0 },
      error: "base image python:3.11-slim is not on this engine and cannot be pulled",
    });
    expect(out.text()).toContain(
      "[db] | base image python:3.11-slim is not on this engine and cannot be pulled",
    );
  });

  it("says the build runs again after the engine's layer race, and a later failure shows its own step", () => {
    const out = new FakeStream();
    const r = new PlainReporter(out, { now: new FakeClock().now });
    r.serviceStarted("web");
    r.event("web", {
      type: "step",
      id: "x",
      name: "exporting to image",
      state: "error",
      error: "layer does not exist",
    });
    r.event("web", { type: "log", id: "x", line: "layer does not exist" });
    r.event("web", { type: "retry", reason: "failed to get layer sha256:1: layer does not exist" });
    r.event("web", { type: "step", id: "d2", name: "[2/2] RUN make", state: "error", error: "exit code: 2" });
    r.event("web", { type: "log", id: "d2", line: "main.c:3: error" });
    r.serviceFinished({
      service: "web",
      image: "w:1",
      action: "failed",
      reason: "build: no image",
      durationMs: 5,
      steps: { total: 1, cached: 0 },
    });
    const text = out.text();
    expect(text).toMatch(
      /\[web\] engine error \(failed to get layer sha256:1: layer does not exist\): building again without the layer cache\n/,
    );
    expect(text).toMatch(/\[web\] last output at RUN make:\n.*\[web\] \| main\.c:3: error\n/);
    expect(text).not.toMatch(/\| layer does not exist/);
  });
});
