/**
 * The run history around a command: a RunRecorder wraps the progress reporter the user sees,
 * starts writing when the use case holds the project lock, and is finished with the run's
 * outcome — done, failed (a build failed or the command threw) or interrupted (Ctrl-C /
 * SIGTERM). A run killed with -9 stays "running" on disk and is read back as interrupted.
 */
export { bakeOutcome } from "../app/recorded-run.js";
import { endpointFor } from "../adapters/engine/index.js";
import { RunRecorder } from "../adapters/history/run-recorder.js";
import { attachRun, recordRun, type RunOutcome } from "../app/recorded-run.js";
import type { RunCommand } from "../core/history/run-record.js";
import type { ProgressReporter } from "../report/progress/reporter.js";
import type { CommandContext } from "./runtime.js";
import { kilnVersion } from "./version.js";

export function runRecorder(ctx: CommandContext, command: RunCommand, inner: ProgressReporter): RunRecorder {
  return new RunRecorder(inner, { command, kilnVersion: kilnVersion(), warn: ctx.log });
}

/** the `onLocked` hook of a use case: the run is written to this project's history from here */
export function attachTo(
  ctx: CommandContext,
  recorder: RunRecorder,
): (run: { projectDir: string; stateDir: string }) => void {
  return attachRun(
    recorder,
    () =>
      endpointFor({ env: ctx.env, ...(ctx.globals.context ? { context: ctx.globals.context } : {}) }).host,
  );
}

/** runs `body`, then writes the run's final state whatever happened (app/recorded-run.ts) */
export function recorded<T>(
  ctx: CommandContext,
  recorder: RunRecorder,
  body: () => Promise<T>,
  outcome: RunOutcome<T>,
): Promise<T> {
  return recordRun(recorder, ctx.signal, body, outcome);
}
