/**
 * The table printed after bake/build/rebuild: per service what happened, the image, its size,
 * how long it took, how many steps came from the cache, and — when an earlier cold build of
 * the service is on record — about how much time the cache saved.
 */
import { formatBytes } from "./format-bytes.js";
import { formatDuration } from "./progress/format.js";
import type { ServiceOutcome } from "./progress/reporter.js";

export interface SummaryExtras {
  /** image size in bytes, by service */
  imageSizes?: Record<string, number>;
  /** duration of the service's last build with nothing cached, by service */
  lastColdMs?: Record<string, number>;
}

const HEADERS = ["SERVICE", "ACTION", "IMAGE", "SIZE", "DURATION", "CACHED"];

/** what the cache saved: only for builds and skips that beat the cold build by ≥ 1 s */
export function savedMs(outcome: ServiceOutcome, lastColdMs: number | undefined): number | undefined {
  if (lastColdMs === undefined || (outcome.action !== "built" && outcome.action !== "skipped"))
    return undefined;
  const saved = lastColdMs - outcome.durationMs;
  return saved >= 1000 ? saved : undefined;
}

function roundSeconds(ms: number): string {
  return ms < 60_000 ? `~${Math.round(ms / 1000)}s` : `~${formatDuration(ms)}`;
}

export function formatSummary(outcomes: ServiceOutcome[], extras: SummaryExtras = {}): string {
  if (outcomes.length === 0) return "no services to build";
  const rows = outcomes.map((o) => {
    const size = extras.imageSizes?.[o.service];
    const saved = savedMs(o, extras.lastColdMs?.[o.service]);
    const cached = o.action === "skipped" && o.steps.total === 0 ? "-" : `${o.steps.cached}/${o.steps.total}`;
    return {
      cells: [
        o.service,
        o.action,
        o.image || "-",
        formatBytes(size),
        o.action === "skipped" ? "-" : formatDuration(o.durationMs),
        cached,
      ],
      note: saved === undefined ? "" : `saved ${roundSeconds(saved)} vs last cold build`,
    };
  });
  const widths = HEADERS.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => [...(r.cells[i] ?? "")].length)),
  );
  const render = (cells: string[], note: string): string =>
    [...cells.map((c, i) => c.padEnd(widths[i] ?? 0)), note].join("  ").trimEnd();
  const lines = [render(HEADERS, ""), ...rows.map((r) => render(r.cells, r.note))];

  const count = (a: ServiceOutcome["action"]): number => outcomes.filter((o) => o.action === a).length;
  const parts = (["built", "skipped", "pulled", "failed"] as const)
    .filter((a) => count(a) > 0)
    .map((a) => `${count(a)} ${a}`);
  const totalSaved = outcomes.reduce((sum, o) => sum + (savedMs(o, extras.lastColdMs?.[o.service]) ?? 0), 0);
  lines.push("");
  lines.push(
    `${parts.join(", ")}${totalSaved > 0 ? `; the cache saved ${roundSeconds(totalSaved)} in all` : ""}`,
  );
  for (const o of outcomes) {
    if (o.action === "failed" && o.error) lines.push("", `${o.service} failed: ${o.error}`);
  }
  return lines.join("\n");
}
