/**
 * Small text formats shared by the progress reporters and the summary: durations,
 * clock times, and a Dockerfile step's short name.
 */

/** 0.4s, 12.3s, 2m05s, 1h02m */
export function formatDuration(ms: number): string {
  const safe = Math.max(0, ms);
  if (safe < 60_000) return `${(safe / 1000).toFixed(1)}s`;
  const totalSeconds = Math.round(safe / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  if (minutes < 60) return `${minutes}m${String(seconds).padStart(2, "0")}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, "0")}m`;
}

/** HH:MM:SS in local time */
export function formatClock(epochMs: number): string {
  const d = new Date(epochMs);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, "0")).join(":");
}

/**
 * A step's stable label from BuildKit's `[stage i/n]` prefix: `#3` in a one-stage
 * Dockerfile (BuildKit leaves the stage out), `#builder:3` otherwise — the same whatever
 * order the engine reports steps in.
 */
export function stepLabel(name: string): string | undefined {
  const m = /^\[(?:(\S+) )?(\d+)\/\d+\]/.exec(name);
  if (!m) return undefined;
  return m[1] ? `#${m[1]}:${m[2]}` : `#${m[2]}`;
}

/** `[stage-0 2/5] RUN  pip install \ -r x` → `RUN pip install -r x` */
export function shortStepName(name: string): string {
  return name
    .replace(/^\[[^\]]*\]\s*/, "")
    .replace(/\s+/g, " ")
    .trim();
}

/** cuts to `width` characters, ending with … when cut */
export function truncate(text: string, width: number): string {
  if (width <= 0) return "";
  const chars = [...text];
  if (chars.length <= width) return text;
  return `${chars.slice(0, Math.max(0, width - 1)).join("")}…`;
}
