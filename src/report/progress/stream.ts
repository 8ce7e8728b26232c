/**
 * Where progress is written (stderr in the CLI): anything with `write`, and the terminal
 * facts a TTY reporter reads.
 */
export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
  rows?: number;
}

export interface ReporterOptions {
  /** the clock (tests pass a fake one) */
  now?: () => number;
  /** log lines shown for a failed step */
  logLines?: number;
}
