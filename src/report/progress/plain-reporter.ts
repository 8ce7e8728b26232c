/**
 * Progress for logs and CI: one timestamped line per step state change, no ANSI, stable
 * wording (tests and grep rely on it):
 *   12:00:01 [api] #3 RUN pip install -r requirements.txt
 *   12:00:03 [api] #3 RUN pip install -r requirements.txt done 1.2s
 *   12:00:03 [api] #4 COPY . . cached
 *   12:00:04 [api] built in 3.4s (5 steps, 3 cached)
 * Steps are labelled by their place in the Dockerfile (`#3`, `#builder:2`), and a step's
 * "started" line is held back briefly: the legacy client reports every cached step as
 * started-then-cached, buildx only as cached — held back, both print the same lines.
 */
import { isDockerfileStep, type BuildEvent, type StepEvent } from "../../core/build/events.js";
import { formatClock, formatDuration, shortStepName, stepLabel, truncate } from "./format.js";
import { ProgressBoard } from "./progress-board.js";
import type { ProgressReporter, ServiceOutcome } from "./reporter.js";
import type { ProgressStream, ReporterOptions } from "./stream.js";

const NAME_WIDTH = 72;

export interface PlainReporterOptions extends ReporterOptions {
  /** how long a "started" line waits for a "cached" that would replace it */
  holdMs?: number;
}

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

interface Held {
  id: string;
  at: number;
  text: string;
  timer: NodeJS.Timeout;
}

export class PlainReporter implements ProgressReporter {
  private readonly board: ProgressBoard;
  private readonly now: () => number;
  private readonly holdMs: number;
  /** per service: the "started" line not printed yet */
  private readonly held = new Map<string, Held>();

  constructor(
    private readonly out: ProgressStream,
    options: PlainReporterOptions = {},
  ) {
    this.board = new ProgressBoard(options.logLines ?? 10);
    this.now = options.now ?? Date.now;
    this.holdMs = options.holdMs ?? 250;
  }

  private line(text: string, at = this.now()): void {
    this.out.write(`${formatClock(at)} ${text}\n`);
  }

  private flush(service: string): void {
    const h = this.held.get(service);
    if (!h) return;
    clearTimeout(h.timer);
    this.held.delete(service);
    this.line(h.text, h.at);
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
    this.board.event(service, event, this.now());
    if (event.type === "retry") {
      this.flush(service);
      this.line(
        `[${service}] engine error (${event.reason.split("\n")[0] ?? ""}): building again without the layer cache`,
      );
      return;
    }
    if (event.type !== "step" || !isDockerfileStep(event.name)) {
      if (event.type === "log" && this.held.get(service)?.id === event.id) this.flush(service);
      return;
    }
    const held = this.held.get(service);
    if (held?.id === event.id && event.state === "cached") {
      clearTimeout(held.timer);
      this.held.delete(service);
    } else this.flush(service);
    this.stepLine(service, event);
  }

  private stepLine(service: string, event: StepEvent): void {
    const name = `${stepLabel(event.name) ?? "#?"} ${truncate(shortStepName(event.name), NAME_WIDTH)}`;
    const prefix = `[${service}] ${name}`;
    switch (event.state) {
      case "started": {
        const timer = setTimeout(() => this.flush(service), this.holdMs);
        timer.unref();
        this.held.set(service, { id: event.id, at: this.now(), text: prefix, timer });
        break;
      }
      case "cached":
        this.line(`${prefix} cached`);
        break;
      case "done":
        this.line(
          `${prefix} done${event.durationMs === undefined ? "" : ` ${formatDuration(event.durationMs)}`}`,
        );
        break;
      case "error":
        this.line(`${prefix} ERROR${event.error ? `: ${event.error.split("\n")[0] ?? ""}` : ""}`);
        break;
    }
  }

  serviceFinished(outcome: ServiceOutcome): void {
    this.flush(outcome.service);
    const s = this.board.finished(outcome, this.now());
    this.line(`[${outcome.service}] ${outcomeLine(outcome)}`);
    if (outcome.action !== "failed") return;
    const step = s.failedStep ? ` at ${shortStepName(s.failedStep.name)}` : "";
    this.line(`[${outcome.service}] last output${step}:`);
    for (const l of this.board.failureTail(s)) this.line(`[${outcome.service}] | ${l}`);
  }

  close(): void {
    for (const service of [...this.held.keys()]) this.flush(service);
  }
}
