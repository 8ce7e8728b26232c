/**
 * SARIF 2.1.0 for code-scanning UIs: one run, kiln as the tool with every rule described, one
 * result per finding located by file and line range.
 * Spec: https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
 */
import type { Rule } from "../core/lint/rule.js";
import type { Severity } from "../core/lint/finding-types.js";
import type { LintFileResult } from "./lint-json.js";

const LEVEL: Record<Severity, "error" | "warning" | "note"> = {
  error: "error",
  warning: "warning",
  info: "note",
};

function uri(p: string): string {
  return p
    .replace(/\\/g, "/")
    .split("/")
    .map((part) => encodeURIComponent(part))
    .join("/");
}

export function lintSarif(
  files: readonly LintFileResult[],
  rules: readonly Rule[],
  toolVersion: string,
): Record<string, unknown> {
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const results = files.flatMap((file) =>
    file.findings.map((f) => ({
      ruleId: f.rule,
      ...(index.has(f.rule) ? { ruleIndex: index.get(f.rule) } : {}),
      level: LEVEL[f.severity],
      message: { text: f.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: uri(file.path) },
            region: { startLine: Math.max(1, f.line), endLine: Math.max(1, f.endLine, f.line) },
          },
        },
      ],
      ...(f.fixable ? { properties: { fixable: true } } : {}),
    })),
  );
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "kiln",
            version: toolVersion,
            rules: rules.map((r) => ({
              id: r.id,
              shortDescription: { text: r.summary },
              fullDescription: { text: r.explain },
              help: { text: r.explain },
              defaultConfiguration: { level: LEVEL[r.severity] },
            })),
          },
        },
        results,
      },
    ],
  };
}
