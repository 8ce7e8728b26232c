/**
 * Busting BuildKit's layer cache without `--no-cache` (which also starts cache mounts empty on
 * this engine, losing every downloaded package): declare `ARG KILN_REBUILD` after each FROM —
 * an ARG in scope is part of every later RUN step's cache key — and pass a new value. The
 * same value is passed on later bakes, so they never fall back to layers from before it.
 */
export const REBUILD_ARG = "KILN_REBUILD";

/** Inserts `ARG KILN_REBUILD` after every FROM instruction (continuation lines respected). */
export function injectRebuildArg(dockerfile: string): string {
  const eol = dockerfile.includes("\r\n") ? "\r\n" : "\n";
  const lines = dockerfile.split(/\r?\n/);
  const escapeChar = /^#\s*escape\s*=\s*`/im.test(lines.slice(0, 5).join("\n")) ? "`" : "\\";
  const out: string[] = [];
  let inFrom = false;
  for (const line of lines) {
    out.push(line);
    if (!inFrom && /^\s*FROM\s/i.test(line)) inFrom = true;
    if (inFrom) {
      if (line.trimEnd().endsWith(escapeChar)) continue;
      out.push(`ARG ${REBUILD_ARG}`);
      inFrom = false;
    }
  }
  return out.join(eol);
}
