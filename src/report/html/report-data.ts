/**
 * The data a report page shows, in a compact shape: step names and reasons are interned in one
 * string table (a hundred runs repeat the same few dozen step names), steps are tuples. The page's
 * script (report-script.ts) expands it; tests read the same numbers from `kiln history --json`.
 */
import { totalsOverTime, type RunRecord, type RunTotals } from "../../core/history/run-record.js";

export const STEP_STATES = ["cached", "done", "error", "running"] as const;

/** [name index, state index in STEP_STATES, start ms since the run started, duration ms] */
export type StepTuple = [number, number, number, number];

export interface ReportService {
  service: string;
  outcome: string;
  /** index into strings */
  reason: number;
  startMs: number;
  durationMs: number;
  imageSize?: number;
  fingerprint?: string;
  steps: StepTuple[];
}

export interface ReportRun {
  id: string;
  command: string;
  state: string;
  startedAt: string;
  engine?: string;
  kilnVersion: string;
  totals: RunTotals;
  services: ReportService[];
}

export interface ReportStatus {
  service: string;
  state: string;
  image: string;
  reason: string;
  /** `kiln why`'s first line, when available */
  why?: string;
}

export interface ReportLintRule {
  rule: string;
  severity: string;
  count: number;
  /** "file:line message" of the first finding */
  example: string;
}

export interface ReportData {
  schema: 1;
  project: string;
  generatedAt: string;
  strings: string[];
  /** newest first */
  runs: ReportRun[];
  status: ReportStatus[];
  lint: ReportLintRule[];
  /** why status or lint are missing (engine down, project unreadable) */
  notes: string[];
}

export interface ReportInput {
  project: string;
  generatedAt: Date;
  /** oldest first, as the run log lists them */
  runs: RunRecord[];
  status: ReportStatus[];
  lint: ReportLintRule[];
  notes?: string[];
}

export function buildReportData(input: ReportInput): ReportData {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const intern = (s: string): number => {
    let i = index.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      index.set(s, i);
    }
    return i;
  };
  const totals = totalsOverTime(input.runs);
  const runs: ReportRun[] = input.runs.map((run, i) => ({
    id: run.id,
    command: run.command,
    state: run.state,
    startedAt: run.startedAt,
    ...(run.engine ? { engine: run.engine } : {}),
    kilnVersion: run.kilnVersion,
    totals: totals[i],
    services: run.services.map((s) => ({
      service: s.service,
      outcome: s.outcome,
      reason: intern(s.reason ?? ""),
      startMs: s.startMs ?? 0,
      durationMs: s.durationMs ?? 0,
      ...(s.imageSize !== undefined ? { imageSize: s.imageSize } : {}),
      ...(s.fingerprint ? { fingerprint: s.fingerprint.slice(0, 12) } : {}),
      steps: s.steps.map((st): StepTuple => [
        intern(st.name),
        STEP_STATES.indexOf(st.state),
        st.startMs,
        st.durationMs,
      ]),
    })),
  }));
  runs.reverse();
  return {
    schema: 1,
    project: input.project,
    generatedAt: input.generatedAt.toISOString(),
    strings,
    runs,
    status: input.status,
    lint: input.lint,
    notes: input.notes ?? [],
  };
}
