/** `kiln history`'s text: one line per run, newest first, and the run's services under it. */
import type { RunRecord, RunTotals } from "../core/history/run-record.js";

function secs(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function when(iso: string): string {
  return iso.replace("T", " ").replace(/\.\d+Z$/, "Z");
}

export function formatHistory(runs: { run: RunRecord; totals: RunTotals }[], total: number): string {
  if (runs.length === 0) return "no runs recorded yet (kiln bake, build, rebuild, pull and up record theirs)";
  const lines: string[] = [];
  for (const { run, totals } of runs) {
    const counts = new Map<string, number>();
    for (const s of run.services) counts.set(s.outcome, (counts.get(s.outcome) ?? 0) + 1);
    const outcomes = [...counts].map(([k, n]) => `${n} ${k}`).join(", ") || "no services";
    const cache =
      totals.steps === 0
        ? ""
        : `  ${totals.cached}/${totals.steps} steps cached (${Math.round(totals.cacheHitRatio * 100)}%)`;
    const saved = totals.savedMs > 0 ? `  saved ~${secs(totals.savedMs)}` : "";
    lines.push(
      `${when(run.startedAt)}  kiln ${run.command.padEnd(7)}  ${run.state.padEnd(11)}  ${secs(totals.durationMs).padStart(8)}  ${outcomes}${cache}${saved}`,
    );
  }
  if (total > runs.length) lines.push(`(${runs.length} of ${total} runs; --limit N shows more)`);
  return lines.join("\n");
}
