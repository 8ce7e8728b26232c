import { describe, expect, it } from "vitest";
import { PlainProgressParser } from "../../../src/core/build/parse-plain.js";
import { JsonObjectSplitter, RawJsonProgressParser } from "../../../src/core/build/parse-rawjson.js";
import { StepCounter, isDockerfileStep, type BuildEvent } from "../../../src/core/build/events.js";

const plain = `#1 [internal] load build definition from Dockerfile
#1 sha256:90a4c64b72b9b555e177e67485f27ea9a50e16770df1ad0ec7aabaadc65b9f7f
#1 transferring dockerfile: 161B done
#1 DONE 0.0s

#4 [stage-0 1/3] FROM docker.io/kiln-local/busybox:latest
#4 DONE 0.0s

#5 [stage-0 2/3] RUN echo hi
#5 0.213 hi
#5 DONE 0.2s

#7 [stage-0 3/3] COPY f /f
#7 CACHED

#8 [stage-0 4/4] RUN false
#8 ERROR: process "/bin/sh -c false" did not complete successfully: exit code: 1`;

describe("plain progress", () => {
  it("turns #N lines into step and log events", () => {
    const p = new PlainProgressParser();
    const events = plain.split("\n").flatMap((l) => p.push(l));
    const counter = new StepCounter();
    events.forEach((e) => counter.add(e));
    expect(events).toContainEqual({ type: "log", id: "#5", line: "hi" });
    expect(events).toContainEqual({
      type: "step",
      id: "#5",
      name: "[stage-0 2/3] RUN echo hi",
      state: "done",
      durationMs: 200,
    });
    expect(events).toContainEqual({
      type: "step",
      id: "#7",
      name: "[stage-0 3/3] COPY f /f",
      state: "cached",
    });
    expect(events.find((e) => e.type === "step" && e.state === "error")).toMatchObject({
      id: "#8",
      error: expect.stringContaining("exit code: 1") as unknown,
    });
    expect(counter.tally()).toMatchObject({ total: 3, cached: 1, done: 1, failed: 1 });
  });
});

describe("rawjson progress", () => {
  const status = (o: unknown): string => JSON.stringify(o, null, 2);
  it("splits pretty-printed objects, even across chunks and with braces in strings", () => {
    const s = new JsonObjectSplitter();
    const text = `${status({ a: "x{y}" })}\n${status({ b: 1 })}`;
    const mid = Math.floor(text.length / 2);
    const parts = [...s.push(text.slice(0, mid)), ...s.push(text.slice(mid))];
    expect(parts.map((p) => JSON.parse(p) as unknown)).toEqual([{ a: "x{y}" }, { b: 1 }]);
  });

  it("reports vertex states once each, durations, and base64 logs as lines", () => {
    const p = new RawJsonProgressParser();
    const d = "sha256:aa";
    const events: BuildEvent[] = [
      status({ vertexes: [{ digest: d, name: "[2/3] RUN make" }] }),
      status({ vertexes: [{ digest: d, name: "[2/3] RUN make", started: "2026-01-01T00:00:00Z" }] }),
      status({ logs: [{ vertex: d, stream: 1, data: Buffer.from("line one\nline ").toString("base64") }] }),
      status({ logs: [{ vertex: d, stream: 1, data: Buffer.from("two\n").toString("base64") }] }),
      status({
        vertexes: [
          {
            digest: d,
            name: "[2/3] RUN make",
            started: "2026-01-01T00:00:00Z",
            completed: "2026-01-01T00:00:01.5Z",
          },
        ],
      }),
      status({
        vertexes: [
          {
            digest: "sha256:bb",
            name: "[3/3] COPY . .",
            cached: true,
            started: "2026-01-01T00:00:00Z",
            completed: "2026-01-01T00:00:00Z",
          },
        ],
      }),
    ].flatMap((chunk) => chunk.split("\n").flatMap((line) => p.push(line)));
    expect(events.filter((e) => e.type === "log").map((e) => (e.type === "log" ? e.line : ""))).toEqual([
      "line one",
      "line two",
    ]);
    expect(events).toContainEqual({
      type: "step",
      id: d,
      name: "[2/3] RUN make",
      state: "done",
      durationMs: 1500,
    });
    expect(events.filter((e) => e.type === "step" && e.id === d && e.state === "started")).toHaveLength(1);
    const c = new StepCounter();
    events.forEach((e) => c.add(e));
    expect(c.tally()).toMatchObject({ total: 2, cached: 1, done: 1 });
  });
});

describe("isDockerfileStep", () => {
  it("counts RUN/COPY steps, not internal vertexes, FROM or export", () => {
    expect(isDockerfileStep("[stage-0 2/3] RUN x")).toBe(true);
    expect(isDockerfileStep("[builder 1/4] FROM docker.io/library/python:3.11")).toBe(false);
    expect(isDockerfileStep("[internal] load build context")).toBe(false);
    expect(isDockerfileStep("exporting to image")).toBe(false);
  });
});
