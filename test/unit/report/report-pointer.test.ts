import { describe, expect, it } from "vitest";
import { LONG_RUN_MS, reportPointer } from "../../../src/report/report-pointer.js";

describe("reportPointer", () => {
  it("says nothing after a short run that went well", () => {
    expect(reportPointer({ durationMs: LONG_RUN_MS - 1, failed: false })).toBeUndefined();
  });

  it("points at the report after a long run, with its duration", () => {
    expect(reportPointer({ durationMs: 125_000, failed: false })).toBe(
      "this run took 2m05s: kiln report --open shows where the time went",
    );
  });

  it("points at the report after a failed run, however short", () => {
    expect(reportPointer({ durationMs: 10, failed: true })).toMatch(
      /^this run failed: kiln report --open shows/,
    );
  });

  it("repeats an explicit project dir, quoted as a shell would need it", () => {
    expect(reportPointer({ durationMs: 10, failed: true, projectDir: "/srv/app" })).toContain(
      "kiln report --open --project-dir /srv/app shows",
    );
    expect(reportPointer({ durationMs: 10, failed: true, projectDir: "/srv/it's mine" })).toContain(
      `--project-dir '/srv/it'\\''s mine' shows`,
    );
  });
});
