/**
 * The real-world corpus (#16.4): 87 Dockerfiles from public repositories (test/fixtures/
 * lint-corpus, sources and licences in manifest.json), each with the findings a careful
 * reviewer expects (expectations.json). Prints per rule TP/FP/FN, precision and recall; a rule
 * with ≥ 5 expected findings must reach precision ≥ 0.95 and recall ≥ 0.9. Also: --fix over
 * every file leaves every RUN that parsed as shell still parsing, and a second --fix is a no-op.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { shellParses } from "../../../src/adapters/shell-check.js";
import { fixUntilStable, lintDockerfile, runScripts } from "../../../src/core/lint/lint.js";
import { fixturesDir } from "../../helpers/kiln.js";

interface Entry {
  id: string;
  repo: string;
  path: string;
  commit: string;
  licence: string;
  context: string;
  contextFiles: string[];
}
interface Expected {
  line: number;
  rule: string;
}

const DIR = path.join(fixturesDir, "lint-corpus");
const manifest = JSON.parse(readFileSync(path.join(DIR, "manifest.json"), "utf8")) as Entry[];
const expectations = (
  JSON.parse(readFileSync(path.join(DIR, "expectations.json"), "utf8")) as {
    expected: Record<string, Expected[]>;
  }
).expected;
const text = (e: Entry): string => readFileSync(path.join(DIR, "files", e.id), "utf8");

interface Score {
  tp: number;
  fp: number;
  fn: number;
}

/** per rule: findings compared with the expectations by (line, rule) */
function score(): { byRule: Map<string, Score>; misses: string[] } {
  const byRule = new Map<string, Score>();
  const misses: string[] = [];
  const of = (rule: string): Score => {
    let s = byRule.get(rule);
    if (s === undefined) byRule.set(rule, (s = { tp: 0, fp: 0, fn: 0 }));
    return s;
  };
  for (const e of manifest) {
    const got = new Set(
      lintDockerfile(text(e), { path: e.id, contextFiles: e.contextFiles }).map((f) => `${f.line} ${f.rule}`),
    );
    const want = new Set((expectations[e.id] ?? []).map((x) => `${x.line} ${x.rule}`));
    for (const k of got) {
      const rule = k.split(" ")[1];
      if (want.has(k)) of(rule).tp++;
      else {
        of(rule).fp++;
        misses.push(`FP ${e.id}:${k}`);
      }
    }
    for (const k of want)
      if (!got.has(k)) {
        of(k.split(" ")[1]).fn++;
        misses.push(`FN ${e.id}:${k}`);
      }
  }
  return { byRule, misses };
}

const ratio = (a: number, b: number): string => (b === 0 ? "—" : (a / b).toFixed(2));

describe("real-world corpus (#16.4)", () => {
  it("has ≥ 80 Dockerfiles with their source, commit and licence, and expectations for each", () => {
    expect(manifest.length).toBeGreaterThanOrEqual(80);
    for (const e of manifest) {
      expect(e.repo, e.id).toMatch(/^[\w.-]+\/[\w.-]+$/);
      expect(e.commit, e.id).toMatch(/^[0-9a-f]{40}$/);
      expect(["MIT", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "CC0-1.0", "ISC"]).toContain(e.licence);
      expect(expectations[e.id], e.id).toBeDefined();
    }
  });

  it("precision ≥ 0.95 and recall ≥ 0.9 for every rule with ≥ 5 expected findings", () => {
    const { byRule, misses } = score();
    const rows = [...byRule.entries()].sort((a, b) => a[0].localeCompare(b[0]));
    const lines = [
      "| rule | expected | TP | FP | FN | precision | recall |",
      "|---|---:|---:|---:|---:|---:|---:|",
      ...rows.map(
        ([rule, s]) =>
          `| ${rule} | ${s.tp + s.fn} | ${s.tp} | ${s.fp} | ${s.fn} | ${ratio(s.tp, s.tp + s.fp)} | ${ratio(s.tp, s.tp + s.fn)} |`,
      ),
    ];
    const total = rows.reduce((t, [, s]) => ({ tp: t.tp + s.tp, fp: t.fp + s.fp, fn: t.fn + s.fn }), {
      tp: 0,
      fp: 0,
      fn: 0,
    });
    lines.push(
      `| **all** | ${total.tp + total.fn} | ${total.tp} | ${total.fp} | ${total.fn} | ${ratio(total.tp, total.tp + total.fp)} | ${ratio(total.tp, total.tp + total.fn)} |`,
    );
    console.log(
      `\nkiln lint on ${manifest.length} real-world Dockerfiles\n${lines.join("\n")}\n${misses.join("\n")}`,
    );
    for (const [rule, s] of rows) {
      if (s.tp + s.fn < 5) continue;
      expect(s.tp / (s.tp + s.fp), `${rule} precision`).toBeGreaterThanOrEqual(0.95);
      expect(s.tp / (s.tp + s.fn), `${rule} recall`).toBeGreaterThanOrEqual(0.9);
    }
  });

  it("--fix over every file: each RUN that parsed still parses, a second --fix changes nothing", () => {
    for (const e of manifest) {
      const original = text(e);
      const options = { path: e.id, contextFiles: e.contextFiles };
      const parsedBefore = runScripts(original).filter((s) => shellParses(s)).length;
      const fixed = fixUntilStable(original, options, 5, shellParses);
      expect(runScripts(fixed.text).filter((s) => shellParses(s)).length, e.id).toBeGreaterThanOrEqual(
        parsedBefore,
      );
      expect(fixUntilStable(fixed.text, options, 5, shellParses).text, e.id).toBe(fixed.text);
    }
  }, 120_000);
});
