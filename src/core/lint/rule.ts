/**
 * What a rule is: an id, a default severity, an explanation for `kiln lint --explain`, and a
 * check over the analysed Dockerfile that returns findings (with fixes when it can).
 */
import type { Analysis } from "./analysis.js";
import type { Step } from "./dockerfile-model.js";
import type { Edit, Finding, LintOptions, Severity } from "./finding-types.js";

export interface RuleContext {
  analysis: Analysis;
  options: LintOptions;
}

export interface Rule {
  id: string;
  severity: Severity;
  /** one line for listings */
  summary: string;
  /** the long explanation: why it matters, what fires, what the fix writes */
  explain: string;
  check(ctx: RuleContext): Finding[];
}

export function finding(
  rule: Pick<Rule, "id" | "severity">,
  step: Pick<Step, "line" | "endLine">,
  message: string,
  edits?: Edit[],
): Finding {
  const fixable = edits !== undefined && edits.length > 0;
  return {
    rule: rule.id,
    line: step.line,
    endLine: step.endLine,
    severity: rule.severity,
    message,
    fixable,
    ...(fixable ? { edits } : {}),
  };
}
