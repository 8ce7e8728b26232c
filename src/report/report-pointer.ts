/**
 * The last line of a bake/build/rebuild that took long or failed: where to look at the run
 * (issue #17.4). Short runs that went well end with the summary alone.
 */
import { formatDuration } from "./progress/format.js";

/** a run at least this long gets the pointer even when it went well */
export const LONG_RUN_MS = 60_000;

export interface PointerInput {
  durationMs: number;
  failed: boolean;
  /** the --project-dir the run was given, so the command finds the same project */
  projectDir?: string;
}

/** an argument as a user would type it in a POSIX shell (display only, never executed) */
function displayArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function reportPointer(run: PointerInput): string | undefined {
  if (!run.failed && run.durationMs < LONG_RUN_MS) return undefined;
  const command = `kiln report --open${run.projectDir ? ` --project-dir ${displayArg(run.projectDir)}` : ""}`;
  return run.failed
    ? `this run failed: ${command} shows its timeline (kiln history lists the runs)`
    : `this run took ${formatDuration(run.durationMs)}: ${command} shows where the time went`;
}
