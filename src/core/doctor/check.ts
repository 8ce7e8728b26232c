/**
 * A doctor check result: what was checked, how it went, and the exact command that fixes it.
 */
export type CheckStatus = "ok" | "warn" | "fail";

export interface CheckResult {
  id: string;
  status: CheckStatus;
  message: string;
  /** what to type next; present for warn/fail */
  hint?: string;
  /** true when `kiln doctor --fix` can repair it */
  fixable?: boolean;
}

export function worst(results: CheckResult[]): CheckStatus {
  if (results.some((r) => r.status === "fail")) return "fail";
  if (results.some((r) => r.status === "warn")) return "warn";
  return "ok";
}

export function formatChecks(results: CheckResult[], color: boolean): string {
  const mark = (s: CheckStatus): string => {
    const text = s === "ok" ? " ok " : s === "warn" ? "warn" : "FAIL";
    if (!color) return `[${text}]`;
    const code = s === "ok" ? 32 : s === "warn" ? 33 : 31;
    return `[\u001b[${code}m${text}\u001b[0m]`;
  };
  return results
    .map(
      (r) =>
        `${mark(r.status)} ${r.id}: ${r.message}${r.hint && r.status !== "ok" ? `\n       fix: ${r.hint}` : ""}`,
    )
    .join("\n");
}
