import { readFileSync } from "node:fs";
import path from "node:path";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { RULES } from "../../../src/core/lint/rules/index.js";
import { lintSarif } from "../../../src/report/sarif.js";
import { repoRoot } from "../../helpers/kiln.js";
import { df, lint } from "./helpers.js";

/**
 * The SARIF 2.1.0 schema as shipped by the @microsoft/jest-sarif dev dependency. It is
 * a draft-04 schema; ajv 8 reads it as draft-07 once the draft-04 `id` becomes `$id` (the
 * schema uses no other keyword whose meaning changed).
 */
function sarifValidator() {
  const schema = JSON.parse(
    readFileSync(
      path.join(
        repoRoot,
        "node_modules",
        "@microsoft",
        "jest-sarif",
        "lib",
        "schemas",
        "sarif-2.1.0-rtm.5.json",
      ),
      "utf8",
    ),
  ) as Record<string, unknown>;
  delete schema.$schema;
  schema.$id = schema.id;
  delete schema.id;
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  return ajv.compile(schema);
}

describe("SARIF output", () => {
  const validate = sarifValidator();
  const text = df("FROM node:20", "COPY . .", "RUN npm ci", "RUN apt-get update && apt-get install -y gcc");
  const files = [
    { path: "services/web/Dockerfile", findings: lint(text, { contextFiles: ["package.json"] }) },
    { path: "with space/Dockerfile.dev", findings: [] },
  ];
  const log = lintSarif(files, RULES, "0.1.0");

  it("validates against the SARIF 2.1.0 schema", () => {
    const ok = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it("describes every rule and maps severities to SARIF levels", () => {
    const run = (
      log.runs as {
        tool: { driver: { rules: { id: string }[] } };
        results: { ruleId: string; level: string; ruleIndex: number }[];
      }[]
    )[0];
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(RULES.map((r) => r.id));
    const byRule = new Map(run.results.map((r) => [r.ruleId, r]));
    expect(byRule.get("npm-cache-mount")?.level).toBe("warning");
    expect(byRule.get("build-tools-in-final-stage")?.level).toBe("note");
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex]?.id).toBe(r.ruleId);
  });

  it("an empty run validates too", () => {
    expect(validate(lintSarif([], RULES, "0.1.0"))).toBe(true);
  });

  it("the validator rejects a broken log (the test can fail)", () => {
    expect(validate({ version: "2.1.0", runs: [{ results: [] }] })).toBe(false);
  });
});
