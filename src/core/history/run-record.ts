/**
 * One kiln run as the history keeps it: what ran, per service what happened and every build
 * step with its timing. Pure data and the folds over it; the store is the history adapter's run-log.ts.
 */

export type RunCommand = "bake" | "build" | "rebuild" | "pull" | "up";
export type RunState = "running" | "done" | "failed" | "interrupted";
export type ServiceRunOutcome = "built" | "skipped" | "pulled" | "failed" | "interrupted" | "pending";

export interface StepRecord {
  name: string;
  /** cached: BuildKit reused the layer; done: it ran; error: it failed; running: no end seen */
  state: "cached" | "done" | "error" | "running";
  /** ms since the run started */
  startMs: number;
  durationMs: number;
}

export interface ServiceRun {
  service: string;
  fingerprint?: string;
  image?: string;
  outcome: ServiceRunOutcome;
  reason?: string;
  /** ms since the run started; absent for a service that never started */
  startMs?: number;
  durationMs?: number;
  steps: StepRecord[];
  /** bytes of build context sent to BuildKit, when the build reported it */
  bytesSent?: number;
  imageSize?: number;
  error?: string;
}

export interface RunRecord {
  schema: 1;
  /** unique per run: start time (ms, zero-padded) - pid - random; sorts by start */
  id: string;
  command: RunCommand;
  projectDir: string;
  kilnVersion: string;
  engine?: string;
  host: string;
  pid: number;
  startedAt: string;
  endedAt?: string;
  state: RunState;
  services: ServiceRun[];
}

export interface RunTotals {
  steps: number;
  cached: number;
  executed: number;
  /** cached / steps, 0 when no step ran */
  cacheHitRatio: number;
  /** the time the cached steps took when they last ran (estimate of what the cache saved) */
  savedMs: number;
  durationMs: number;
}

/** A record left "running" by a process that is gone was interrupted (kill -9, power loss). */
export function settleState(record: RunRecord, isAlive: (pid: number) => boolean, host: string): RunRecord {
  if (record.state !== "running") return record;
  if (record.host === host && isAlive(record.pid)) return record;
  return {
    ...record,
    state: "interrupted",
    services: record.services.map((s) =>
      s.outcome === "pending" ? { ...s, outcome: "interrupted" as const } : s,
    ),
  };
}

function runDuration(record: RunRecord): number {
  if (!record.endedAt) return 0;
  return Math.max(0, Date.parse(record.endedAt) - Date.parse(record.startedAt));
}

/**
 * Totals of one run. `stepCost` gives, for a step name, its duration the last time it was
 * executed (from earlier runs): what a cached step saved.
 */
export function runTotals(record: RunRecord, stepCost: (service: string, step: string) => number): RunTotals {
  let steps = 0;
  let cached = 0;
  let executed = 0;
  let savedMs = 0;
  for (const s of record.services) {
    for (const step of s.steps) {
      steps += 1;
      if (step.state === "cached") {
        cached += 1;
        savedMs += stepCost(s.service, step.name);
      } else if (step.state === "done") executed += 1;
    }
  }
  return {
    steps,
    cached,
    executed,
    cacheHitRatio: steps === 0 ? 0 : cached / steps,
    savedMs,
    durationMs: runDuration(record),
  };
}

/**
 * Walks runs oldest first and returns, per run, its totals with savings priced at the last
 * executed duration of the same service step seen before it.
 */
export function totalsOverTime(runsOldestFirst: RunRecord[]): RunTotals[] {
  const lastCost = new Map<string, number>();
  // a long history repeats the same few dozen step names: strip each one once
  const keys = new Map<string, string>();
  const key = (service: string, name: string): string => {
    let k = keys.get(name);
    if (k === undefined) keys.set(name, (k = stepKey(name)));
    return `${service}\u0000${k}`;
  };
  const out: RunTotals[] = [];
  for (const run of runsOldestFirst) {
    out.push(runTotals(run, (service, step) => lastCost.get(key(service, step)) ?? 0));
    for (const s of run.services)
      for (const step of s.steps)
        if (step.state === "done") lastCost.set(key(s.service, step.name), step.durationMs);
  }
  return out;
}

/** BuildKit names steps `[stage 2/5] RUN …`; the position may shift, the instruction is the key */
function stepKey(name: string): string {
  return name.replace(/^\[[^\]]*\]\s*/, "");
}
