import { describe, expect, it } from "vitest";
import { formatBytes } from "../../../src/report/format-bytes.js";
import { formatDuration, shortStepName, truncate } from "../../../src/report/progress/format.js";
import type { ServiceOutcome } from "../../../src/report/progress/reporter.js";
import { formatSummary, savedMs } from "../../../src/report/summary.js";

const outcomes: ServiceOutcome[] = [
  {
    service: "api",
    image: "demo-api:kiln-1a2b",
    action: "built",
    reason: "build: sources changed (api/app.py)",
    durationMs: 4200,
    steps: { total: 5, cached: 3 },
  },
  {
    service: "web",
    image: "demo-web:kiln-9f9f",
    action: "skipped",
    reason: "skip: fresh",
    durationMs: 0,
    steps: { total: 0, cached: 0 },
  },
  {
    service: "db",
    image: "",
    action: "failed",
    reason: "build: no image",
    durationMs: 1100,
    steps: { total: 2, cached: 1 },
    error: "build failed at RUN make",
  },
];

describe("formatSummary", () => {
  it("prints a table with action, image, size, duration, steps and time saved", () => {
    const text = formatSummary(outcomes, {
      imageSizes: { api: 123_456_789, web: 2_100_000 },
      lastColdMs: { api: 61_000, web: 30_000, db: 90_000 },
    });
    expect(text.split("\n")).toEqual([
      "SERVICE  ACTION   IMAGE               SIZE    DURATION  CACHED",
      "api      built    demo-api:kiln-1a2b  123 MB  4.2s      3/5     saved ~57s vs last cold build",
      "web      skipped  demo-web:kiln-9f9f  2.1 MB  -         -       saved ~30s vs last cold build",
      "db       failed   -                   -       1.1s      1/2",
      "",
      "1 built, 1 skipped, 1 failed; the cache saved ~1m27s in all",
      "",
      "db failed: build failed at RUN make",
    ]);
  });

  it("leaves out what it does not know", () => {
    const text = formatSummary([outcomes[0]]);
    expect(text).not.toContain("saved");
    expect(text).toContain("api      built   demo-api:kiln-1a2b  -     4.2s      3/5");
    expect(formatSummary([])).toBe("no services to build");
  });

  it("claims no saving when the build was not faster", () => {
    expect(savedMs(outcomes[0], 4500)).toBeUndefined();
    expect(savedMs(outcomes[2], 90_000)).toBeUndefined();
  });
});

describe("formats", () => {
  it("durations, sizes, step names, truncation", () => {
    expect([
      formatDuration(0),
      formatDuration(1234),
      formatDuration(59_940),
      formatDuration(125_000),
      formatDuration(3_725_000),
    ]).toEqual(["0.0s", "1.2s", "59.9s", "2m05s", "1h02m"]);
    expect([formatBytes(512), formatBytes(2_100_000), formatBytes(117_000_000), formatBytes(-1)]).toEqual([
      "512 B",
      "2.1 MB",
      "117 MB",
      "-",
    ]);
    expect(shortStepName("[stage-0 2/5] RUN   apt-get update")).toBe("RUN apt-get update");
    expect(truncate("abcdef", 4)).toBe("abc…");
    expect(truncate("abc", 4)).toBe("abc");
  });
});
