import Ajv from "ajv";
import addFormats from "ajv-formats";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { JsonReporter } from "../../../src/report/progress/json-reporter.js";
import { repoRoot } from "../../helpers/kiln.js";
import { FakeClock, FakeStream } from "./fake-stream.js";

describe("JsonReporter", () => {
  it("writes one JSON object per line per event, matching the documented schema", () => {
    const out = new FakeStream();
    const r = new JsonReporter(out, { now: new FakeClock().now });
    r.start(["api"]);
    r.serviceStarted("api");
    r.event("api", { type: "step", id: "#5", name: "[2/2] RUN make", state: "started" });
    r.event("api", { type: "log", id: "#5", line: "cc x.c" });
    r.event("api", {
      type: "step",
      id: "#5",
      name: "[2/2] RUN make",
      state: "error",
      error: "exit code: 2",
      durationMs: 10,
    });
    r.serviceFinished({
      service: "api",
      image: "x:1",
      action: "failed",
      reason: "build: no image",
      durationMs: 20,
      steps: { total: 1, cached: 0 },
      error: "boom",
    });
    r.close();
    const lines = out.text().trimEnd().split("\n");
    expect(lines).toHaveLength(6);
    const events = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.map((e) => [e.service, e.type, e.state])).toEqual([
      [undefined, "start", undefined],
      ["api", "service", "started"],
      ["api", "step", "started"],
      ["api", "log", undefined],
      ["api", "step", "error"],
      ["api", "service", "failed"],
    ]);
    expect(events[4]).toMatchObject({ error: "exit code: 2", durationMs: 10, name: "[2/2] RUN make" });

    const ajv = new Ajv.default({ strict: true, allErrors: true });
    addFormats.default(ajv);
    const schema = JSON.parse(
      readFileSync(path.join(repoRoot, "schemas/json/progress-event.schema.json"), "utf8"),
    ) as object;
    const validate = ajv.compile(schema);
    for (const e of events) {
      expect(validate(e), JSON.stringify(validate.errors)).toBe(true);
    }
    expect(validate({ ...events[1], extra: 1 })).toBe(false);
  });

  it("writes the engine-race retry as an event of its own, in the schema", () => {
    const out = new FakeStream();
    const r = new JsonReporter(out, { now: new FakeClock().now });
    r.event("api", { type: "retry", reason: "failed to get layer sha256:1: layer does not exist" });
    const event = JSON.parse(out.text()) as Record<string, unknown>;
    expect(event).toMatchObject({ service: "api", type: "retry", reason: /layer does not exist/ });
    const ajv = new Ajv.default({ strict: true, allErrors: true });
    addFormats.default(ajv);
    const validate = ajv.compile(
      JSON.parse(
        readFileSync(path.join(repoRoot, "schemas/json/progress-event.schema.json"), "utf8"),
      ) as object,
    );
    expect(validate(event), JSON.stringify(validate.errors)).toBe(true);
  });
});
