/**
 * A command's run in the project's history, for the CLI (its run-history.ts) and the library
 * (library.ts) alike: the recorder starts writing once the use case holds the project lock, and
 * is finished with the run's outcome — done, failed (a build failed or the command threw) or
 * interrupted (the signal aborted). A run killed with -9 stays "running" on disk and is read
 * back as interrupted.
 */
import type { RunRecorder, ServiceSummary } from "../adapters/history/run-recorder.js";
import type { BakeReport } from "./bake-project.js";
import { bakeSummaries } from "./bake-summaries.js";

/** what a recorded run reports to the history at its end */
export type RunOutcome<T> = (value: T) => { failed: boolean; services: ServiceSummary[] };

/** a bake's (build's, rebuild's, up's bake's) outcome: failed when a service failed */
export const bakeOutcome: RunOutcome<BakeReport> = (report) => ({
  failed: report.results.some((r) => r.action === "failed"),
  services: report.dryRun ? [] : bakeSummaries(report),
});

/** the use case's `onLocked` hook: the run is written to this project's history from here */
export function attachRun(
  recorder: RunRecorder,
  engineHost: () => string,
): (run: { projectDir: string; stateDir: string }) => void {
  return (run) => recorder.attach({ ...run, engine: engineHost() });
}

/** runs `body`, then writes the run's final state whatever happened */
export async function recordRun<T>(
  recorder: RunRecorder,
  signal: AbortSignal | undefined,
  body: () => Promise<T>,
  outcome: RunOutcome<T>,
): Promise<T> {
  let value: T;
  try {
    value = await body();
  } catch (error: unknown) {
    recorder.finish(signal?.aborted ? "interrupted" : "failed");
    throw error;
  }
  const { failed, services } = outcome(value);
  recorder.finish(failed ? "failed" : "done", services);
  return value;
}
