/**
 * The linter's entry points: lint a Dockerfile's text, apply the fixes of its findings.
 * Pure: no file is read; the CLI passes the text and what it knows about the context.
 */
import { analyze } from "./analysis.js";
import { ignoredAt } from "./ignore-comments.js";
import { RULES } from "./rules/index.js";
import type { Edit, Finding, LintOptions } from "./types.js";
import { SEVERITY_RANK } from "./types.js";

function internalFinding(error: unknown): Finding {
  const message = error instanceof Error ? error.message : String(error);
  return {
    rule: "internal",
    line: 1,
    endLine: 1,
    severity: "info",
    message: `kiln could not analyse this Dockerfile: ${message}`,
    fixable: false,
  };
}

/** Lints one Dockerfile. Never throws: an input it cannot read yields an `internal` finding. */
export function lintDockerfile(text: string, options: LintOptions): Finding[] {
  let analysis;
  try {
    analysis = analyze(text, options.target);
  } catch (error: unknown) {
    return [internalFinding(error)];
  }
  const only = options.rules === undefined || options.rules.length === 0 ? undefined : new Set(options.rules);
  const skip = new Set(options.ignore ?? []);
  const findings: Finding[] = [];
  for (const rule of RULES) {
    if ((only && !only.has(rule.id)) || skip.has(rule.id)) continue;
    try {
      findings.push(...rule.check({ analysis, options }));
    } catch (error: unknown) {
      findings.push({
        ...internalFinding(error),
        message: `rule ${rule.id} failed: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }
  const lines = analysis.model.lines;
  return findings
    .filter((f) => {
      const ignored = ignoredAt(lines, f.line);
      return !ignored.has("*") && !ignored.has(f.rule);
    })
    .sort(
      (a, b) =>
        a.line - b.line ||
        SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
        a.rule.localeCompare(b.rule),
    );
}

/**
 * Applies the edits of the fixable findings. Edits that overlap an earlier one are left out
 * (the next round picks them up); identical edits apply once.
 */
export function fixDockerfile(text: string, findings: readonly Finding[]): string {
  const edits: Edit[] = [];
  for (const f of findings) if (f.fixable && f.edits) edits.push(...f.edits);
  const sorted = edits
    .map((e, order) => ({ ...e, order }))
    .sort((a, b) => a.start - b.start || a.end - b.end || a.order - b.order);
  const kept: Edit[] = [];
  let lastEnd = -1;
  const seen = new Set<string>();
  for (const e of sorted) {
    const key = `${e.start}:${e.end}:${e.text}`;
    if (seen.has(key)) continue;
    if (e.start < 0 || e.end > text.length || e.end < e.start) continue;
    if (e.start < lastEnd) continue;
    seen.add(key);
    kept.push(e);
    lastEnd = Math.max(lastEnd, e.end);
  }
  let out = "";
  let at = 0;
  for (const e of kept) {
    out += text.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + text.slice(at);
}

/** Lints and fixes until nothing fixable is left (at most `rounds` times). */
export function fixUntilStable(
  text: string,
  options: LintOptions,
  rounds = 5,
): { text: string; findings: Finding[] } {
  let current = text;
  for (let i = 0; i < rounds; i++) {
    const findings = lintDockerfile(current, options);
    const next = fixDockerfile(current, findings);
    if (next === current) return { text: current, findings };
    current = next;
  }
  return { text: current, findings: lintDockerfile(current, options) };
}
