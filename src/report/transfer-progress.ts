/**
 * Progress of a volume export/import on stderr: one redrawn line on a TTY, a line per 10 %
 * (and the last one) in plain mode, JSON lines with --progress json, nothing when quiet.
 */
import { formatBytes } from "./format-bytes.js";

export type TransferProgressMode = "auto" | "tty" | "plain" | "quiet" | "json";

export interface TransferProgress {
  add(bytes: number): void;
  done(): void;
}

export function transferProgress(
  label: string,
  total: number | undefined,
  mode: TransferProgressMode,
  write: (text: string) => void = (t) => process.stderr.write(t),
  isTTY: boolean = process.stderr.isTTY === true,
): TransferProgress {
  const effective = mode === "auto" ? (isTTY ? "tty" : "plain") : mode;
  let bytes = 0;
  let lastStep = -1;
  let lastDraw = 0;
  const pct = (): string =>
    total && total > 0 ? ` (${Math.min(100, Math.floor((bytes / total) * 100))}%)` : "";
  const line = (): string => `${label}: ${bytes}${total ? `/${total}` : ""} bytes${pct()}`;
  return {
    add(n) {
      bytes += n;
      if (effective === "tty") {
        const now = Date.now();
        if (now - lastDraw < 100) return;
        lastDraw = now;
        write(`\r\x1b[K${label}: ${formatBytes(bytes)}${total ? ` / ${formatBytes(total)}` : ""}${pct()}`);
      } else if (effective === "plain" || effective === "json") {
        const step =
          total && total > 0 ? Math.floor((bytes / total) * 10) : Math.floor(bytes / (64 * 1024 * 1024));
        if (step === lastStep) return;
        lastStep = step;
        write(
          effective === "json"
            ? `${JSON.stringify({ event: "progress", label, bytes, total: total ?? null })}\n`
            : `${line()}\n`,
        );
      }
    },
    done() {
      if (effective === "tty") write(`\r\x1b[K${label}: ${formatBytes(bytes)} done\n`);
      else if (effective === "plain") write(`${label}: ${bytes} bytes done\n`);
      else if (effective === "json") write(`${JSON.stringify({ event: "done", label, bytes })}\n`);
    },
  };
}
