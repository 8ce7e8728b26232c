import { fixUntilStable, lintDockerfile } from "../../../src/core/lint/lint.js";
import type { Finding, LintOptions } from "../../../src/core/lint/finding-types.js";

export function lint(text: string, options: Partial<LintOptions> = {}): Finding[] {
  return lintDockerfile(text, { path: "Dockerfile", ...options });
}

/** the rule ids that fire, restricted to `rule` when given */
export function fired(text: string, rule?: string, options: Partial<LintOptions> = {}): string[] {
  return lint(text, { ...(rule ? { rules: [rule] } : {}), ...options }).map((f) => f.rule);
}

export function fix(text: string, options: Partial<LintOptions> = {}): string {
  return fixUntilStable(text, { path: "Dockerfile", ...options }).text;
}

/** a Dockerfile from lines */
export function df(...lines: string[]): string {
  return `${lines.join("\n")}\n`;
}
