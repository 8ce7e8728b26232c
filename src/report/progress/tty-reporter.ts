/**
 * Live progress on a terminal: one line per service (its current step, steps done/cached of
 * those seen so far, elapsed time), redrawn in place at most 10 times a second. When a
 * service fails its line expands: the failed step's last log lines are shown below the
 * block and stay on screen.
 */
import type { BuildEvent } from "../../core/build/events.js";
import { palette, type Palette } from "../color.js";
import { formatDuration, shortStepName } from "./format.js";
import { ProgressBoard, type ServiceState } from "./progress-board.js";
import type { ProgressReporter, ServiceOutcome } from "./reporter.js";
import type { ProgressStream, ReporterOptions } from "./stream.js";

export interface TtyReporterOptions extends ReporterOptions {
  color?: boolean;
  /** redraw interval; 100 ms = at most 10 redraws a second */
  refreshMs?: number;
}

type Segment = [text: string, paint?: (s: string) => string];

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const CSI = "\u001b[";

/** cuts segments to `width` visible characters, then paints them */
export function fitSegments(segments: Segment[], width: number): string {
  let left = width;
  let out = "";
  for (const [text, paint] of segments) {
    if (left <= 0) break;
    const chars = [...text];
    let piece = text;
    if (chars.length > left) piece = `${chars.slice(0, Math.max(0, left - 1)).join("")}…`;
    left -= Math.min(chars.length, left);
    out += paint ? paint(piece) : piece;
  }
  return out;
}

export class TtyReporter implements ProgressReporter {
  private readonly board: ProgressBoard;
  private readonly now: () => number;
  private readonly colors: Palette;
  private readonly refreshMs: number;
  private timer: NodeJS.Timeout | undefined;
  private height = 0;
  private dirty = false;
  private closed = false;

  constructor(
    private readonly out: ProgressStream,
    options: TtyReporterOptions = {},
  ) {
    this.board = new ProgressBoard(options.logLines ?? 8);
    this.now = options.now ?? Date.now;
    this.colors = palette(options.color ?? false);
    this.refreshMs = options.refreshMs ?? 100;
  }

  start(services: string[]): void {
    this.board.start(services);
    this.touch();
  }

  serviceStarted(service: string): void {
    this.board.started(service, this.now());
    this.touch();
  }

  event(service: string, event: BuildEvent): void {
    this.board.event(service, event, this.now());
    this.touch();
  }

  serviceFinished(outcome: ServiceOutcome): void {
    this.board.finished(outcome, this.now());
    this.touch();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.board.services.size > 0) this.draw();
  }

  private touch(): void {
    this.dirty = true;
    if (this.timer || this.closed) return;
    // first paint right away, then at the refresh rate
    this.draw();
    this.timer = setInterval(() => this.tick(), this.refreshMs);
    this.timer.unref();
  }

  private tick(): void {
    const running = [...this.board.services.values()].some((s) => s.phase === "running");
    if (this.dirty || running) this.draw();
  }

  /** the block as it would be drawn now (no cursor movement): for tests and the final frame */
  frame(): string[] {
    const width = Math.max(20, (this.out.columns ?? 80) - 1);
    const services = [...this.board.services.values()];
    const nameWidth = Math.max(...services.map((s) => [...s.name].length), 4);
    const lines = services.map((s) => fitSegments(this.serviceLine(s, nameWidth), width));
    for (const s of services) {
      if (s.phase !== "failed") continue;
      const c = this.colors;
      const step = s.failedStep ? shortStepName(s.failedStep.name) : "the build";
      lines.push(fitSegments([["  ┌ ", c.red], [`${s.name}`, c.bold], [`: last output of ${step}`]], width));
      const tail = this.board.failureTail(s);
      for (const l of tail) lines.push(fitSegments([["  │ ", c.red], [l]], width));
      const error = s.failedStep?.error?.split("\n")[0];
      if (error && !tail.includes(error))
        lines.push(
          fitSegments(
            [
              ["  └ ", c.red],
              [error, c.red],
            ],
            width,
          ),
        );
    }
    const rows = this.out.rows;
    return rows !== undefined && rows > 1 && lines.length > rows - 1 ? lines.slice(0, rows - 1) : lines;
  }

  private serviceLine(s: ServiceState, nameWidth: number): Segment[] {
    const c = this.colors;
    const name: Segment = [s.name.padEnd(nameWidth), c.bold];
    const t = s.counter.tally();
    const now = this.now();
    const elapsed = formatDuration((s.finishedAt ?? now) - (s.startedAt ?? now));
    const steps = `${t.done + t.cached}/${t.total} steps${t.cached > 0 ? ` (${t.cached} cached)` : ""}`;
    switch (s.phase) {
      case "waiting":
        return [["· ", c.dim], name, ["  waiting", c.dim]];
      case "running": {
        const frame = SPINNER[Math.floor(now / 100) % SPINNER.length] ?? "-";
        const current = t.current ? shortStepName(t.current) : "starting";
        return [[`${frame} `, c.cyan], name, [`  ${steps}  ${elapsed.padStart(6)}  `], [current, c.dim]];
      }
      case "built": {
        const o = s.outcome?.steps ?? t;
        return [
          ["✔ ", c.green],
          name,
          [`  built in ${elapsed}  ${o.total} steps${o.cached > 0 ? ` (${o.cached} cached)` : ""}`],
        ];
      }
      case "pulled":
        return [["✔ ", c.green], name, [`  pulled in ${elapsed}`]];
      case "skipped":
        return [
          ["- ", c.dim],
          name,
          [`  skipped: ${(s.outcome?.reason ?? "").replace(/^skip:\s*/, "")}`, c.dim],
        ];
      case "failed": {
        const at = s.failedStep ? ` at ${shortStepName(s.failedStep.name)}` : "";
        return [["✖ ", c.red], name, [`  FAILED after ${elapsed}  ${steps}`, c.red], [at]];
      }
    }
  }

  private draw(): void {
    this.dirty = false;
    const lines = this.frame();
    let text = this.height > 0 ? `\r${CSI}${this.height}A` : "";
    for (const l of lines) text += `${CSI}2K${l}\n`;
    text += `${CSI}J`;
    this.height = lines.length;
    this.out.write(text);
  }
}
