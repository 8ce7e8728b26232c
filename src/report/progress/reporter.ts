/**
 * The contract between the bake/build runner and whatever shows its progress (TTY lines,
 * plain CI lines, JSON events, nothing). Implementations live beside this file.
 */
import type { BuildEvent } from "../../core/build/events.js";

/**
 * One service's result, as the reporters see it (`E` = string: the failure message) and as the
 * bake use case returns it (`TargetResult` in app/run-plan.ts: `E` = the KilnError, with its
 * code and hint). One definition, so the two cannot drift apart.
 */
export interface ServiceOutcome<E = string> {
  service: string;
  image: string;
  action: "built" | "skipped" | "failed" | "pulled";
  reason: string;
  durationMs: number;
  steps: { total: number; cached: number };
  /** the failure (failing step and last lines) */
  error?: E;
}

export interface ProgressReporter {
  /** the services that will be built, in plan order */
  start(services: string[]): void;
  /** a service's build started */
  serviceStarted(service: string): void;
  event(service: string, event: BuildEvent): void;
  serviceFinished(outcome: ServiceOutcome): void;
  /** stop redrawing; flush */
  close(): void;
}
