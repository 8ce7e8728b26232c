/**
 * Build step events: both BuildKit progress formats kiln reads (buildx `rawjson`, the legacy
 * client's `plain`) are parsed into these, so progress, summaries and tests see one shape.
 */

export type StepState = "started" | "done" | "cached" | "error";

export interface StepEvent {
  type: "step";
  /** BuildKit vertex digest (rawjson) or `#N` (plain) */
  id: string;
  /** e.g. `[stage-0 2/3] RUN pip install …` or `[internal] load build context` */
  name: string;
  state: StepState;
  durationMs?: number;
  error?: string;
}

export interface LogEvent {
  type: "log";
  id: string;
  line: string;
}

/** bytes of build context sent to BuildKit so far (the largest value seen is the total) */
export interface ContextEvent {
  type: "context";
  bytes: number;
}

/** the build failed for a reason of the engine's own and runs once more, without the layer cache (see BuildFailure.engineRace) */
export interface RetryEvent {
  type: "retry";
  reason: string;
}

export type BuildEvent = StepEvent | LogEvent | ContextEvent | RetryEvent;

const UNITS: Record<string, number> = {
  B: 1,
  kB: 1e3,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
};

/** `transferring context: 2.04kB 0.0s done` (plain progress) → 2040 */
export function contextBytesOf(line: string): number | undefined {
  const m = /transferring context: (\d+(?:\.\d+)?)\s*([kKMG]?i?B)\b/.exec(line);
  if (!m) return undefined;
  const unit = UNITS[m[2] ?? "B"];
  return unit === undefined ? undefined : Math.round(Number(m[1]) * unit);
}

/**
 * A Dockerfile step that does work: not BuildKit's internal or auth vertexes, not the export,
 * and not FROM (resolving a local base is reported "done", never "cached").
 */
export function isDockerfileStep(name: string): boolean {
  return /^\[[^\]]*\d+\/\d+\]/.test(name) && !/^\[[^\]]*\]\s+FROM\s/i.test(name);
}

export interface StepTally {
  total: number;
  cached: number;
  done: number;
  failed: number;
  /** the last Dockerfile step that started */
  current?: string;
}

/** Folds events into counts of Dockerfile steps (each vertex counted once, by its last state). */
export class StepCounter {
  private readonly states = new Map<string, { name: string; state: StepState }>();
  private current: string | undefined;

  add(event: BuildEvent): void {
    if (event.type !== "step" || !isDockerfileStep(event.name)) return;
    const prev = this.states.get(event.id);
    // a vertex reported cached stays cached; done/error overwrite started
    if (prev?.state === "cached") return;
    this.states.set(event.id, { name: event.name, state: event.state });
    if (event.state === "started") this.current = event.name;
  }

  tally(): StepTally {
    let cached = 0;
    let done = 0;
    let failed = 0;
    for (const s of this.states.values()) {
      if (s.state === "cached") cached += 1;
      else if (s.state === "done") done += 1;
      else if (s.state === "error") failed += 1;
    }
    return {
      total: this.states.size,
      cached,
      done,
      failed,
      ...(this.current ? { current: this.current } : {}),
    };
  }
}
