/**
 * Build processes that outlive a killed kiln. Every child kiln starts while it holds a project's
 * lock (docker buildx build, docker build, compose, push/pull) runs in its own process group and
 * is recorded in `<stateDir>/children/<pid>.json` with its start time and its owner's pid + start
 * time; the record is removed when the child ends. A record whose owner is gone (kill -9) names
 * an orphan: the next kiln run on the project (or `kiln doctor --fix`) ends that process group —
 * found by the recorded pid only, and only while the pid still has the recorded start time (a
 * reused pid is never signalled).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { setChildObserver } from "../process-runner.js";
import { bootId, isAlive, processStart, type LockInfo } from "./lock.js";

export interface ChildRecord {
  pid: number;
  /** /proc/<pid>/stat start time of the child (clock ticks since boot) */
  pidStart: string | null;
  owner: LockInfo;
  /** the command, for messages (argv[0..3]) */
  command: string;
  startedAt: string;
}

export interface Orphan {
  record: ChildRecord;
  /** live processes of the orphan's process group */
  pids: number[];
}

export function childrenDir(stateDir: string): string {
  return path.join(stateDir, "children");
}

function owner(): LockInfo {
  return {
    host: os.hostname(),
    pid: process.pid,
    bootId: bootId(),
    pidStart: processStart(process.pid),
    startedAt: new Date().toISOString(),
  };
}

/**
 * Records every child started from now on in `stateDir`, until the returned function is called.
 * A record that cannot be written (read-only state dir) is skipped: recording must never stop a build.
 */
export function recordChildren(stateDir: string): () => void {
  const dir = childrenDir(stateDir);
  const me = owner();
  setChildObserver({
    started(pid, args) {
      try {
        fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
        const record: ChildRecord = {
          pid,
          pidStart: processStart(pid),
          owner: me,
          command: args.slice(0, 4).join(" "),
          startedAt: new Date().toISOString(),
        };
        // Temp file + rename, so that another kiln never reads half a record; no fsync: a record
        // only matters while this boot lasts (a power cut or a crash of the machine ends the
        // children too, and records of another boot are ignored), and until then the page cache
        // holds it for every reader — also when kiln itself is killed (#14: two fsyncs per build).
        const tmp = path.join(dir, `.${pid}.json.${process.pid}.tmp`);
        fs.writeFileSync(tmp, JSON.stringify(record) + "\n");
        fs.renameSync(tmp, path.join(dir, `${pid}.json`));
      } catch {
        // best effort
      }
    },
    ended(pid) {
      fs.rmSync(path.join(dir, `${pid}.json`), { force: true });
    },
  });
  return () => setChildObserver(undefined);
}

function readRecords(stateDir: string): { file: string; record: ChildRecord | null }[] {
  const dir = childrenDir(stateDir);
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => /^\d+\.json$/.test(n));
  } catch {
    return [];
  }
  return names.map((n) => {
    const file = path.join(dir, n);
    try {
      return { file, record: JSON.parse(fs.readFileSync(file, "utf8")) as ChildRecord };
    } catch {
      return { file, record: null };
    }
  });
}

interface ProcStat {
  pid: number;
  state: string;
  pgrp: number;
  start: string;
}

function procStat(pid: number): ProcStat | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { pid, state: fields[0] ?? "", pgrp: Number(fields[2]), start: fields[19] ?? "" };
  } catch {
    return null;
  }
}

/**
 * The live members of the recorded child's process group. The leader counts only with its
 * recorded start time; while any member lives the kernel does not hand the group's id to a new
 * process, and members are only counted when they started after the recorded child.
 */
function groupMembers(record: ChildRecord): number[] {
  if (!record.pidStart) return [];
  let entries: string[];
  try {
    entries = fs.readdirSync("/proc").filter((n) => /^\d+$/.test(n));
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const name of entries) {
    const s = procStat(Number(name));
    if (!s || s.pgrp !== record.pid || s.state === "Z") continue; // a zombie is already ended
    if (s.pid === record.pid ? s.start !== record.pidStart : Number(s.start) < Number(record.pidStart))
      continue;
    out.push(s.pid);
  }
  return out;
}

/** Orphans: recorded children whose kiln is gone and whose process group still runs. */
export function findOrphans(stateDir: string): Orphan[] {
  const out: Orphan[] = [];
  for (const { file, record } of readRecords(stateDir)) {
    if (!record) {
      fs.rmSync(file, { force: true });
      continue;
    }
    if (record.owner.host !== os.hostname()) continue; // another host's children: not ours to judge
    if (isAlive(record.owner)) continue; // its kiln is still running
    const pids = record.owner.bootId && record.owner.bootId !== bootId() ? [] : groupMembers(record);
    if (pids.length === 0) {
      fs.rmSync(file, { force: true }); // ended on its own (or a reboot ended it)
      continue;
    }
    out.push({ record, pids });
  }
  return out;
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Ends the process groups of a dead kiln's children: SIGTERM, then SIGKILL after `graceMs`.
 * Returns what was ended.
 */
export function endOrphans(stateDir: string, graceMs = 3000): Orphan[] {
  const orphans = findOrphans(stateDir);
  for (const o of orphans) signalGroup(o.record, "SIGTERM");
  const deadline = Date.now() + graceMs;
  for (const o of orphans) {
    while (groupMembers(o.record).length > 0 && Date.now() < deadline) sleep(50);
    if (groupMembers(o.record).length > 0) signalGroup(o.record, "SIGKILL");
    fs.rmSync(path.join(childrenDir(stateDir), `${o.record.pid}.json`), { force: true });
  }
  return orphans;
}

function signalGroup(record: ChildRecord, signal: NodeJS.Signals): void {
  if (groupMembers(record).length === 0) return;
  try {
    process.kill(-record.pid, signal);
  } catch {
    // gone meanwhile
  }
}

export function describeOrphan(o: Orphan): string {
  return `pid ${o.record.pid} (${o.record.command}, started ${o.record.startedAt} by kiln pid ${o.record.owner.pid}${o.pids.length > 1 ? `, ${o.pids.length} processes` : ""})`;
}
