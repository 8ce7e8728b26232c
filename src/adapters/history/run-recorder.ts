/**
 * Records a run into the history while it happens: a ProgressReporter that passes every call on
 * to the reporter the user sees and keeps the run's services and steps with their timing.
 * The record is written when the run's services are known, after each service finishes and at
 * the end — so a run killed half-way is in the history (as interrupted) with what it finished.
 */
import { hostname } from "node:os";
import type { BuildEvent } from "../../core/build/events.js";
import { isDockerfileStep } from "../../core/build/events.js";
import type {
  RunCommand,
  RunRecord,
  RunState,
  ServiceRun,
  ServiceRunOutcome,
  StepRecord,
} from "../../core/history/run-record.js";
import type { ProgressReporter, ServiceOutcome } from "../../report/progress/reporter.js";
import { newRunId, RunLog } from "./run-log.js";

export interface RunRecorderOptions {
  command: RunCommand;
  kilnVersion: string;
  now?: () => number;
  warn?: (line: string) => void;
}

/** the run's final view of every service, skipped ones included */
export interface ServiceSummary {
  service: string;
  image?: string;
  fingerprint?: string;
  action: ServiceOutcome["action"];
  reason?: string;
  imageSize?: number;
}

interface LiveStep extends StepRecord {
  id: string;
}

export class RunRecorder implements ProgressReporter {
  private readonly now: () => number;
  private readonly startedAtMs: number;
  private readonly record: RunRecord;
  private log: RunLog | undefined;
  private readonly steps = new Map<string, Map<string, LiveStep>>();
  private writeFailed = false;

  constructor(
    private readonly inner: ProgressReporter,
    private readonly options: RunRecorderOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.startedAtMs = this.now();
    this.record = {
      schema: 1,
      id: newRunId(this.startedAtMs),
      command: options.command,
      projectDir: "",
      kilnVersion: options.kilnVersion,
      host: hostname(),
      pid: process.pid,
      startedAt: new Date(this.startedAtMs).toISOString(),
      state: "running",
      services: [],
    };
  }

  get runId(): string {
    return this.record.id;
  }

  /** the project is open: from here on the run is written to its history */
  attach(project: { projectDir: string; stateDir: string; engine?: string }): void {
    this.record.projectDir = project.projectDir;
    if (project.engine) this.record.engine = project.engine;
    this.log = new RunLog(project.stateDir, { warn: this.options.warn ?? (() => undefined) });
    this.save();
  }

  start(services: string[]): void {
    this.inner.start(services);
    for (const service of services) this.service(service);
    this.save();
  }

  serviceStarted(service: string): void {
    this.inner.serviceStarted(service);
    const s = this.service(service);
    s.startMs = this.elapsed();
  }

  event(service: string, event: BuildEvent): void {
    this.inner.event(service, event);
    if (event.type === "context") {
      const s = this.service(service);
      s.bytesSent = Math.max(s.bytesSent ?? 0, event.bytes);
      return;
    }
    if (event.type !== "step" || !isDockerfileStep(event.name)) return;
    let steps = this.steps.get(service);
    if (!steps) {
      steps = new Map();
      this.steps.set(service, steps);
    }
    const at = this.elapsed();
    const prev = steps.get(event.id);
    if (!prev) {
      steps.set(event.id, {
        id: event.id,
        name: event.name,
        state: event.state === "started" ? "running" : event.state,
        startMs: event.durationMs !== undefined ? Math.max(0, at - event.durationMs) : at,
        durationMs: event.durationMs ?? 0,
      });
      return;
    }
    if (prev.state === "cached" || event.state === "started") return;
    prev.state = event.state;
    prev.durationMs = event.durationMs ?? Math.max(0, at - prev.startMs);
  }

  serviceFinished(outcome: ServiceOutcome): void {
    this.inner.serviceFinished(outcome);
    const s = this.service(outcome.service);
    s.outcome = outcome.action;
    s.reason = outcome.reason;
    s.image = outcome.image;
    s.durationMs = outcome.durationMs;
    if (s.startMs === undefined) s.startMs = Math.max(0, this.elapsed() - outcome.durationMs);
    if (outcome.error) s.error = outcome.error;
    s.steps = this.stepsOf(outcome.service);
    this.save();
  }

  close(): void {
    this.inner.close();
  }

  /** the run ended (normally, with failures, or by a signal); writes the final record */
  finish(state: Exclude<RunState, "running">, services: ServiceSummary[] = []): void {
    for (const summary of services) {
      const s = this.service(summary.service);
      if (s.outcome === "pending") {
        s.outcome = summary.action;
        s.durationMs = 0;
      }
      if (summary.reason && !s.reason) s.reason = summary.reason;
      if (summary.image) s.image = summary.image;
      if (summary.fingerprint) s.fingerprint = summary.fingerprint;
      if (summary.imageSize !== undefined) s.imageSize = summary.imageSize;
    }
    for (const s of this.record.services) {
      if (s.outcome === "pending") s.outcome = state === "interrupted" ? "interrupted" : "skipped";
      s.steps = this.stepsOf(s.service);
    }
    this.record.state = state;
    this.record.endedAt = new Date(this.now()).toISOString();
    this.save();
    try {
      this.log?.prune();
    } catch {
      // a bound kept loosely is fine; the next run prunes again
    }
  }

  /** a copy of the record as it stands (tests, `--json`) */
  snapshot(): RunRecord {
    return structuredClone(this.record);
  }

  private service(name: string): ServiceRun {
    let s = this.record.services.find((x) => x.service === name);
    if (!s) {
      s = { service: name, outcome: "pending" as ServiceRunOutcome, steps: [] };
      this.record.services.push(s);
    }
    return s;
  }

  private stepsOf(service: string): StepRecord[] {
    const live = this.steps.get(service);
    if (!live) return this.record.services.find((s) => s.service === service)?.steps ?? [];
    return [...live.values()].map(({ name, state, startMs, durationMs }) => ({
      name,
      state,
      startMs,
      durationMs,
    }));
  }

  private elapsed(): number {
    return Math.max(0, this.now() - this.startedAtMs);
  }

  private save(): void {
    if (!this.log || this.writeFailed) return;
    try {
      this.log.write(this.record);
    } catch (error: unknown) {
      // the history is a record of the run, never a reason for the run to fail
      this.writeFailed = true;
      this.options.warn?.(`kiln: could not write the build history: ${(error as Error).message}`);
    }
  }
}
