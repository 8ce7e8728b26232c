/**
 * `kiln lint --format json`: {"files":[{"path","findings":[{rule,line,endLine,severity,message,fixable}]}]}.
 */
import type { Finding } from "../core/lint/finding-types.js";

export interface LintFileResult {
  /** as shown to the user (relative to the working directory when inside it) */
  path: string;
  findings: Finding[];
  /** findings fixed by --fix (not part of the JSON contract) */
  fixed?: number;
}

export interface LintJson {
  files: { path: string; findings: Omit<Finding, "edits">[] }[];
}

export function lintJson(files: readonly LintFileResult[]): LintJson {
  return {
    files: files.map((f) => ({
      path: f.path,
      findings: f.findings.map(({ rule, line, endLine, severity, message, fixable }) => ({
        rule,
        line,
        endLine,
        severity,
        message,
        fixable,
      })),
    })),
  };
}
