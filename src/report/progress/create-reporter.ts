/**
 * Picks the progress reporter for `--progress`: auto = live lines on a terminal, plain
 * timestamped lines in CI or when stderr is redirected.
 */
import { colorEnabled } from "../color.js";
import { JsonReporter } from "./json-reporter.js";
import { PlainReporter } from "./plain-reporter.js";
import type { ProgressReporter } from "./reporter.js";
import type { ProgressStream, ReporterOptions } from "./stream.js";
import { TtyReporter } from "./tty-reporter.js";

export type ProgressMode = "auto" | "tty" | "plain" | "quiet" | "json";

export const quietReporter: ProgressReporter = {
  start: () => undefined,
  serviceStarted: () => undefined,
  event: () => undefined,
  serviceFinished: () => undefined,
  close: () => undefined,
};

/** CI providers all set CI (GitHub Actions, GitLab, Buildkite, CircleCI, Jenkins via plugins…) */
export function isCi(env: NodeJS.ProcessEnv): boolean {
  return env.CI !== undefined && env.CI !== "" && env.CI !== "false" && env.CI !== "0";
}

export function resolveMode(
  mode: ProgressMode,
  stream: ProgressStream,
  env: NodeJS.ProcessEnv,
): Exclude<ProgressMode, "auto"> {
  if (mode !== "auto") return mode;
  return stream.isTTY === true && !isCi(env) && env.TERM !== "dumb" ? "tty" : "plain";
}

export function createReporter(
  mode: ProgressMode,
  stream: ProgressStream,
  env: NodeJS.ProcessEnv = process.env,
  options: ReporterOptions & { refreshMs?: number } = {},
): ProgressReporter {
  switch (resolveMode(mode, stream, env)) {
    case "tty":
      return new TtyReporter(stream, { ...options, color: colorEnabled(stream, env) });
    case "plain":
      return new PlainReporter(stream, options);
    case "json":
      return new JsonReporter(stream, options);
    case "quiet":
      return quietReporter;
  }
}
