/**
 * Progress for logs and CI: one timestamped line per step state change, no ANSI, stable
 * wording (tests and grep rely on it):
 *   12:00:01 [api] #3 RUN pip install -r requirements.txt
 *   12:00:03 [api] #3 RUN pip install -r requirements.txt done 1.2s
 *   12:00:03 [api] #4 COPY . . cached
 *   12:00:04 [api] built in 3.4s (5 steps, 3 cached)
 */
import type { BuildEvent } from "../../core/build/events.js";
import { formatClock, formatDuration, shortStepName, truncate } from "./format.js";
import { ProgressBoard } from "./progress-board.js";
import type { ProgressReporter, ServiceOutcome } from "./reporter.js";
import type { ProgressStream, ReporterOptions } from "./stream.js";

const NAME_WIDTH = 72;

export function outcomeLine(outcome: ServiceOutcome): string {
  const steps = `${outcome.steps.total} steps, ${outcome.steps.cached} cached`;
  switch (outcome.action) {
    case "built":
      return `built in ${formatDuration(outcome.durationMs)} (${steps})`;
    case "skipped":
      return `skipped: ${outcome.reason.replace(/^skip:\s*/, "")}`;
    case "pulled":
      return `pulled ${outcome.image} in ${formatDuration(outcome.durationMs)}`;
    case "failed":
      return `FAILED after ${formatDuration(outcome.durationMs)} (${steps})`;
  }
}

export class PlainReporter implements ProgressReporter {
  private readonly board: ProgressBoard;
  private readonly now: () => number;

  constructor(
    private readonly out: ProgressStream,
    options: ReporterOptions = {},
  ) {
    this.board = new ProgressBoard(options.logLines ?? 10);
    this.now = options.now ?? Date.now;
  }

  private line(text: string): void {
    this.out.write(`${formatClock(this.now())} ${text}\n`);
  }

  start(services: string[]): void {
    this.board.start(services);
    if (services.length > 0) this.line(`building ${services.length} service(s): ${services.join(", ")}`);
  }

  serviceStarted(service: string): void {
    this.board.started(service, this.now());
    this.line(`[${service}] started`);
  }

  event(service: string, event: BuildEvent): void {
    const n = this.board.event(service, event, this.now());
    if (n === undefined || event.type !== "step") return;
    const name = `#${n} ${truncate(shortStepName(event.name), NAME_WIDTH)}`;
    switch (event.state) {
      case "started":
        this.line(`[${service}] ${name}`);
        break;
      case "cached":
        this.line(`[${service}] ${name} cached`);
        break;
      case "done":
        this.line(
          `[${service}] ${name} done${event.durationMs === undefined ? "" : ` ${formatDuration(event.durationMs)}`}`,
        );
        break;
      case "error": {
        this.line(`[${service}] ${name} ERROR${event.error ? `: ${event.error.split("\n")[0] ?? ""}` : ""}`);
        break;
      }
    }
  }

  serviceFinished(outcome: ServiceOutcome): void {
    const s = this.board.finished(outcome, this.now());
    this.line(`[${outcome.service}] ${outcomeLine(outcome)}`);
    if (outcome.action !== "failed") return;
    const step = s.failedStep ? ` at ${shortStepName(s.failedStep.name)}` : "";
    this.line(`[${outcome.service}] last output${step}:`);
    for (const l of this.board.failureTail(s)) this.line(`[${outcome.service}] | ${l}`);
  }

  close(): void {
    // nothing buffered: every line is written as it happens
  }
}
