/**
 * What every reporter needs to know about each service while builds run: its phase, when it
 * started, its Dockerfile steps, and the last log lines of each step — kept so a failure can show them.
 */
import { StepCounter, type BuildEvent, type StepEvent } from "../../core/build/events.js";
import type { ServiceOutcome } from "./reporter.js";

export type ServicePhase = "waiting" | "running" | ServiceOutcome["action"];

export interface ServiceState {
  name: string;
  phase: ServicePhase;
  startedAt?: number;
  finishedAt?: number;
  counter: StepCounter;
  /** the step that failed, if one did */
  failedStep?: StepEvent;
  /** last log lines, each with the vertex that printed it */
  logs: { id: string; line: string }[];
  outcome?: ServiceOutcome;
}

export class ProgressBoard {
  readonly services = new Map<string, ServiceState>();

  constructor(private readonly logLines = 10) {}

  ensure(name: string): ServiceState {
    let s = this.services.get(name);
    if (!s) {
      s = { name, phase: "waiting", counter: new StepCounter(), logs: [] };
      this.services.set(name, s);
    }
    return s;
  }

  start(names: string[]): void {
    for (const n of names) this.ensure(n);
  }

  started(name: string, now: number): ServiceState {
    const s = this.ensure(name);
    s.phase = "running";
    s.startedAt = now;
    return s;
  }

  event(name: string, event: BuildEvent, now: number): void {
    const s = this.ensure(name);
    if (s.phase === "waiting") this.started(name, now);
    if (event.type === "retry") {
      // the build runs again from the start: what the failed run counted is not this run's
      s.counter = new StepCounter();
      delete s.failedStep;
      s.logs = [];
      return;
    }
    s.counter.add(event);
    if (event.type === "log") {
      s.logs.push({ id: event.id, line: event.line });
      // keep enough for several interleaved steps
      if (s.logs.length > this.logLines * 4) s.logs.splice(0, s.logs.length - this.logLines * 4);
    } else if (event.type === "step" && event.state === "error") s.failedStep ??= event;
  }

  finished(outcome: ServiceOutcome, now: number): ServiceState {
    const s = this.ensure(outcome.service);
    s.phase = outcome.action;
    s.finishedAt = now;
    s.startedAt ??= now - outcome.durationMs;
    s.outcome = outcome;
    return s;
  }

  /** the last log lines of the failed step (or of the service when the step printed none) */
  failureTail(s: ServiceState): string[] {
    const id = s.failedStep?.id;
    const own = id === undefined ? [] : s.logs.filter((l) => l.id === id);
    const lines = (own.length > 0 ? own : s.logs).map((l) => l.line);
    const tail = lines.slice(-this.logLines);
    if (tail.length > 0) return tail;
    // no build output (e.g. a missing base image): the error's own lines
    const error = s.failedStep?.error ?? s.outcome?.error ?? "";
    return error
      .split("\n")
      .filter((l) => l.trim() !== "")
      .slice(-this.logLines);
  }
}
