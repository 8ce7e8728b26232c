/**
 * The run history of one project: `<stateDir>/runs/<run-id>.json`, one file per run.
 *
 * One file per run keeps every guarantee the history needs without a database: a run is
 * written whole (temp file + rename), so kill -9 at any moment leaves the previous version or
 * the new one, never half of either; concurrent kiln processes never write the same file (the
 * id holds the pid and random bytes), so no run is lost or counted twice; pruning the oldest
 * beyond the bound is an unlink that two processes may race on harmlessly. A file that does not
 * parse (damaged outside kiln) is moved to `runs/unreadable/` with a warning, never fatal.
 */
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { settleState, type RunRecord } from "../../core/history/run-record.js";

/** runs kept per project; the oldest beyond it are dropped */
export const DEFAULT_RUN_LIMIT = 1000;

/** temp files older than this are leftovers of a killed writer */
const STALE_TEMP_MS = 60 * 60 * 1000;

export interface RunLogOptions {
  limit?: number;
  warn?: (line: string) => void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error: unknown) {
    // EPERM: the process exists but belongs to someone else
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function newRunId(now = Date.now()): string {
  return `${String(now).padStart(15, "0")}-${process.pid}-${hex8()}`;
}

/**
 * 8 random hex digits: what tells apart two runs of one process in one millisecond, and a temp
 * file's name. Math.random is enough for that, and needs no node:crypto (whose load a bake with
 * nothing to do would otherwise pay for these alone).
 */
function hex8(): string {
  return Math.floor(Math.random() * 0x1_0000_0000)
    .toString(16)
    .padStart(8, "0");
}

export class RunLog {
  readonly dir: string;
  private readonly limit: number;
  private readonly warn: (line: string) => void;

  constructor(stateDir: string, options: RunLogOptions = {}) {
    this.dir = path.join(stateDir, "runs");
    this.limit = options.limit ?? DEFAULT_RUN_LIMIT;
    this.warn = options.warn ?? (() => undefined);
  }

  /** writes (or replaces) a run's record atomically */
  write(record: RunRecord): void {
    mkdirSync(this.dir, { recursive: true });
    const file = path.join(this.dir, `${record.id}.json`);
    const tmp = `${file}.${hex8()}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(record)}\n`);
    renameSync(tmp, file);
  }

  /** drops the oldest runs beyond the limit and stale temp files; returns how many runs went */
  prune(): number {
    const names = this.names();
    let dropped = 0;
    for (const name of names.runs.slice(0, Math.max(0, names.runs.length - this.limit))) {
      if (unlinkQuiet(path.join(this.dir, name))) dropped += 1;
    }
    const now = Date.now();
    for (const tmp of names.temps) {
      const file = path.join(this.dir, tmp);
      try {
        if (now - statSync(file).mtimeMs > STALE_TEMP_MS) unlinkQuiet(file);
      } catch {
        // gone already
      }
    }
    return dropped;
  }

  /** every readable run, oldest first; `limit` keeps the newest N */
  list(limit?: number): RunRecord[] {
    let runs = this.names().runs;
    if (limit !== undefined) runs = runs.slice(Math.max(0, runs.length - limit));
    const host = hostname();
    const out: RunRecord[] = [];
    for (const name of runs) {
      const record = this.read(name);
      if (record) out.push(settleState(record, isAlive, host));
    }
    return out;
  }

  private read(name: string): RunRecord | undefined {
    const file = path.join(this.dir, name);
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      return undefined; // pruned by another process meanwhile
    }
    try {
      const value = JSON.parse(text) as RunRecord;
      if (value && value.schema === 1 && typeof value.id === "string" && Array.isArray(value.services))
        return value;
    } catch {
      // fall through: set aside below
    }
    const aside = path.join(this.dir, "unreadable");
    try {
      mkdirSync(aside, { recursive: true });
      renameSync(file, path.join(aside, name));
      this.warn(`kiln: history file ${file} is unreadable; moved to ${aside}`);
    } catch {
      this.warn(`kiln: history file ${file} is unreadable; skipped`);
    }
    return undefined;
  }

  private names(): { runs: string[]; temps: string[] } {
    let entries: string[];
    try {
      entries = readdirSync(this.dir);
    } catch {
      return { runs: [], temps: [] };
    }
    const runs = entries.filter((n) => n.endsWith(".json")).sort();
    const temps = entries.filter((n) => n.endsWith(".tmp"));
    return { runs, temps };
  }
}

function unlinkQuiet(file: string): boolean {
  try {
    unlinkSync(file);
    return true;
  } catch {
    return false;
  }
}

export { hostname as runHost };
