/**
 * `kiln lint` for people: one line per finding (`path:line  severity  rule  message`), the
 * fixable ones marked, and a summary with what to type next.
 */
import type { Finding, Severity } from "../core/lint/finding-types.js";
import { palette } from "./color.js";
import type { LintFileResult } from "./lint-json.js";

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

export function lintText(
  files: readonly LintFileResult[],
  options: { color?: boolean; fixed?: boolean } = {},
): string {
  const p = palette(options.color === true);
  const tint: Record<Severity, (t: string) => string> = { error: p.red, warning: p.yellow, info: p.cyan };
  const lines: string[] = [];
  const all: Finding[] = [];
  let fixed = 0;
  for (const file of files) {
    fixed += file.fixed ?? 0;
    if (file.findings.length === 0) continue;
    all.push(...file.findings);
    lines.push(p.bold(file.path));
    for (const f of file.findings) {
      const where = f.endLine > f.line ? `${f.line}-${f.endLine}` : `${f.line}`;
      const mark = f.fixable ? p.dim(" (fixable)") : "";
      lines.push(
        `  ${where.padEnd(7)} ${tint[f.severity](f.severity.padEnd(7))} ${f.rule.padEnd(27)} ${f.message}${mark}`,
      );
    }
    lines.push("");
  }
  const by = (s: Severity): number => all.filter((f) => f.severity === s).length;
  const fixable = all.filter((f) => f.fixable).length;
  const checked = count(files.length, "Dockerfile");
  if (options.fixed === true) lines.push(`fixed ${count(fixed, "finding")} in ${checked}`);
  if (all.length === 0) {
    lines.push(`${checked} checked: no findings`);
  } else {
    lines.push(
      `${checked} checked: ${count(all.length, "finding")} (${count(by("error"), "error")}, ${count(by("warning"), "warning")}, ${by("info")} info)`,
    );
    if (fixable > 0)
      lines.push(`${fixable} fixable: run \`kiln lint --fix\`; \`kiln lint --explain RULE\` says why`);
    else lines.push("`kiln lint --explain RULE` says why and how to fix");
  }
  return lines.join("\n");
}
