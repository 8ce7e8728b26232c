/**
 * The linter's entry points: lint a Dockerfile's text, apply the fixes of its findings.
 * Pure: no file is read; the CLI passes the text and what it knows about the context.
 */
import { analyze } from "./analysis.js";
import { ignoredAt } from "./ignore-comments.js";
import { RULES } from "./rules/index.js";
import type { Edit, Finding, LintOptions } from "./finding-types.js";
import { SEVERITY_RANK } from "./finding-types.js";

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
  // a RUN in a powershell/cmd SHELL: kiln's edits speak sh, so they are not offered there
  const foreign = new Set<number>();
  for (const r of analysis.runs) if (!r.step.posix) foreign.add(r.step.line);
  return findings
    .map((f) =>
      f.fixable && foreign.size > 0 && foreign.has(f.line)
        ? {
            rule: f.rule,
            line: f.line,
            endLine: f.endLine,
            severity: f.severity,
            message: `${f.message} (not fixed: the stage's SHELL is not a POSIX shell)`,
            fixable: false,
          }
        : f,
    )
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

/**
 * Says whether a shell script parses (the CLI passes `sh -n`); the core stays pure.
 * Undefined = no check (edits are applied as they come).
 */
export type ShellCheck = (script: string) => boolean;

/** the shell scripts of the Dockerfile's shell-form RUNs, in order */
export function runScripts(text: string): string[] {
  try {
    const analysis = analyze(text, undefined);
    return analysis.runs
      .filter((r) => !r.step.execForm && r.step.posix)
      .map((r) => r.step.scripts.map((s) => s.text).join("\n"));
  } catch {
    return [];
  }
}

function brokenCount(text: string, check: ShellCheck): number {
  return runScripts(text).filter((s) => !check(s)).length;
}

/**
 * Applies fixes one finding at a time and keeps a finding's edits only when every RUN that
 * parsed before still parses after; skipped findings get a note and stay unfixed.
 */
function fixChecked(
  text: string,
  findings: readonly Finding[],
  check: ShellCheck,
): { text: string; skipped: Finding[] } {
  const base = brokenCount(text, check);
  const all = fixDockerfile(text, findings);
  if (all === text || brokenCount(all, check) <= base) return { text: all, skipped: [] };
  const kept: Finding[] = [];
  const skipped: Finding[] = [];
  for (const f of findings) {
    if (!f.fixable || !f.edits) continue;
    const trial = fixDockerfile(text, [...kept, f]);
    if (brokenCount(trial, check) <= base) kept.push(f);
    else skipped.push(f);
  }
  return { text: fixDockerfile(text, kept), skipped };
}

const SKIP_NOTE = "(not fixed: the fixed RUN would no longer parse as shell; fix by hand)";

/** Lints and fixes until nothing fixable is left (at most `rounds` times). */
export function fixUntilStable(
  text: string,
  options: LintOptions,
  rounds = 5,
  check?: ShellCheck,
): { text: string; findings: Finding[] } {
  let current = text;
  const skippedKeys = new Set<string>();
  const mark = (findings: Finding[]): Finding[] =>
    findings.map((f) =>
      skippedKeys.has(`${f.rule}:${f.line}`)
        ? {
            rule: f.rule,
            line: f.line,
            endLine: f.endLine,
            severity: f.severity,
            message: `${f.message} ${SKIP_NOTE}`,
            fixable: false,
          }
        : f,
    );
  for (let i = 0; i < rounds; i++) {
    const findings = lintDockerfile(current, options).filter(
      (f) => !skippedKeys.has(`${f.rule}:${f.line}`) || !f.fixable,
    );
    let next: string;
    if (check === undefined) next = fixDockerfile(current, findings);
    else {
      const r = fixChecked(current, findings, check);
      for (const f of r.skipped) skippedKeys.add(`${f.rule}:${f.line}`);
      next = r.text;
    }
    if (next === current) return { text: current, findings: mark(lintDockerfile(current, options)) };
    current = next;
  }
  return { text: current, findings: mark(lintDockerfile(current, options)) };
}
