/**
 * The linter's contract: a finding points at an instruction's lines and may carry the
 * byte-level edits that fix it. Everything here is plain data.
 */

export type Severity = "error" | "warning" | "info";

export const SEVERITY_RANK: Record<Severity, number> = { info: 1, warning: 2, error: 3 };

/** Replace text[start, end) by `text` (offsets into the original Dockerfile text). */
export interface Edit {
  start: number;
  end: number;
  text: string;
}

export interface Finding {
  rule: string;
  /** 1-based first and last line of the instruction (or the line the finding is about) */
  line: number;
  endLine: number;
  severity: Severity;
  message: string;
  fixable: boolean;
  /** the edits that fix it; present exactly when fixable */
  edits?: Edit[];
}

export interface LintOptions {
  /** shown in messages and reports; not read */
  path: string;
  /** only these rules (ids) */
  rules?: readonly string[];
  /** never these rules (ids) */
  ignore?: readonly string[];
  /**
   * Paths (relative, `/`-separated) present in the build context, at least its top level;
   * a Dockerfile-specific `<name>.dockerignore` is listed as `.dockerignore`.
   * Undefined = the context is unknown: rules that need it stay silent.
   */
  contextFiles?: readonly string[];
  /** the build target (compose `build.target`); default: the last stage */
  target?: string;
  /** a development image (a devcontainer's service): compilers in it are the point */
  devImage?: boolean;
}
