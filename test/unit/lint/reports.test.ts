import { describe, expect, it } from "vitest";
import { lintJson } from "../../../src/report/lint-json.js";
import { lintText } from "../../../src/report/lint-text.js";
import { df, lint } from "./helpers.js";

const findings = lint(
  df("FROM node:20", "COPY . .", "RUN npm ci", "RUN apt-get update && apt-get install -y \\", "  gcc"),
);

describe("lint reports", () => {
  it("JSON keeps exactly the contract's keys (no edits)", () => {
    const json = lintJson([{ path: "Dockerfile", findings, fixed: 2 }]);
    expect(Object.keys(json)).toEqual(["files"]);
    expect(Object.keys(json.files[0])).toEqual(["path", "findings"]);
    for (const f of json.files[0].findings)
      expect(Object.keys(f)).toEqual(["rule", "line", "endLine", "severity", "message", "fixable"]);
    expect(JSON.stringify(json)).not.toContain("edits");
  });

  it("text: one line per finding with its line range, a summary and what to type next", () => {
    const text = lintText([
      { path: "Dockerfile", findings },
      { path: "other/Dockerfile", findings: [] },
    ]);
    expect(text).toContain("Dockerfile\n");
    expect(text).toMatch(/ {2}4-5 +warning apt-cache-mount /);
    expect(text).toContain("(fixable)");
    expect(text).toContain(`2 Dockerfiles checked: ${findings.length} findings`);
    expect(text).toContain("run `kiln lint --fix`");
    expect(text).not.toContain("other/Dockerfile");
    expect(text).not.toContain("\u001b[");
  });

  it("text: no findings, and colour only when asked", () => {
    expect(lintText([{ path: "Dockerfile", findings: [] }])).toBe("1 Dockerfile checked: no findings");
    expect(lintText([{ path: "Dockerfile", findings }], { color: true })).toContain("\u001b[");
    expect(lintText([{ path: "Dockerfile", findings: [], fixed: 3 }], { fixed: true })).toContain(
      "fixed 3 findings in 1 Dockerfile",
    );
  });
});
