/**
 * `--progress json`: one JSON object per line per event, for tools that drive kiln.
 * Every line has `time`, `type` and (except `start`) `service`; the shapes are documented in
 * schemas/json/progress-event.schema.json.
 */
import type { BuildEvent } from "../../core/build/events.js";
import type { ProgressReporter, ServiceOutcome } from "./reporter.js";
import type { ProgressStream, ReporterOptions } from "./stream.js";

export class JsonReporter implements ProgressReporter {
  private readonly now: () => number;

  constructor(
    private readonly out: ProgressStream,
    options: ReporterOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  private emit(body: Record<string, unknown>): void {
    this.out.write(`${JSON.stringify({ time: new Date(this.now()).toISOString(), ...body })}\n`);
  }

  start(services: string[]): void {
    this.emit({ type: "start", services });
  }

  serviceStarted(service: string): void {
    this.emit({ service, type: "service", state: "started" });
  }

  event(service: string, event: BuildEvent): void {
    if (event.type === "log") {
      this.emit({ service, type: "log", id: event.id, line: event.line });
      return;
    }
    // context bytes go to the run history, not the event stream (its schema has steps and logs)
    if (event.type === "context") return;
    if (event.type === "retry") {
      this.emit({ service, type: "retry", reason: event.reason });
      return;
    }
    this.emit({
      service,
      type: "step",
      state: event.state,
      id: event.id,
      name: event.name,
      ...(event.durationMs === undefined ? {} : { durationMs: event.durationMs }),
      ...(event.error === undefined ? {} : { error: event.error }),
    });
  }

  serviceFinished(outcome: ServiceOutcome): void {
    this.emit({
      service: outcome.service,
      type: "service",
      state: outcome.action,
      image: outcome.image,
      reason: outcome.reason,
      durationMs: outcome.durationMs,
      steps: { total: outcome.steps.total, cached: outcome.steps.cached },
      ...(outcome.error === undefined ? {} : { error: outcome.error }),
    });
  }

  close(): void {
    // every event is written as it happens
  }
}
