/**
 * One kiln process per project at a time. `<stateDir>/lock` holds host, pid, the pid's start
 * time and the boot id; it is created complete (written to a temp file, then hard-linked into
 * place, which fails if a lock exists). A lock whose process is gone — same host and boot, pid
 * not running (or running but started at another time: a reused pid), or a boot id from before
 * a reboot — is taken over with a message. A live one is ERR_KILN_LOCKED (exit 4).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { KilnError } from "../../core/errors.js";

export interface LockInfo {
  host: string;
  pid: number;
  bootId: string | null;
  /** the process start time in clock ticks since boot (/proc/<pid>/stat field 22) */
  pidStart: string | null;
  startedAt: string;
  command?: string;
}

export interface LockHandle {
  info: LockInfo;
  /** the previous holder when a stale lock was taken over */
  tookOverFrom: LockInfo | null;
  release(): void;
}

export interface LockOptions {
  command?: string;
  /** told when a stale lock is taken over (the caller's log; default: nobody) */
  onTakeover?: (message: string) => void;
}

export function lockPath(stateDir: string): string {
  return path.join(stateDir, "lock");
}

export function acquireLock(stateDir: string, options: LockOptions = {}): LockHandle {
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const file = lockPath(stateDir);
  const info: LockInfo = {
    host: os.hostname(),
    pid: process.pid,
    bootId: bootId(),
    pidStart: processStart(process.pid),
    startedAt: new Date().toISOString(),
    ...(options.command ? { command: options.command } : {}),
  };
  const content = JSON.stringify(info) + "\n";
  let tookOverFrom: LockInfo | null = null;
  for (let attempt = 0; attempt < 5; attempt++) {
    if (tryCreate(file, content)) return handle(file, content, info, tookOverFrom);
    const holder = readLock(file);
    if (holder === undefined) continue; // vanished meanwhile: try again
    if (holder && isAlive(holder)) {
      throw new KilnError(
        "ERR_KILN_LOCKED",
        `another kiln process (pid ${holder.pid} on ${holder.host}${holder.command ? `, "${holder.command}"` : ""}, since ${holder.startedAt}) is working on this project`,
        { hint: `wait for it to finish; if it is gone for sure (e.g. another host), remove ${file}` },
      );
    }
    if (!takeOver(file, holder)) {
      sleep(50 * (attempt + 1)); // another process is taking it over right now
      continue;
    }
    {
      tookOverFrom = holder;
      const who = holder ? `pid ${holder.pid}, started ${holder.startedAt}` : "unreadable";
      options.onTakeover?.(`kiln: taking over the lock left by a process that is gone (${who})`);
    }
  }
  throw new KilnError("ERR_KILN_LOCKED", `could not take the project lock ${file}`, { hint: "try again" });
}

function tryCreate(file: string, content: string): boolean {
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  fs.writeFileSync(temp, content, { mode: 0o600 });
  try {
    fs.linkSync(temp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

/** undefined: no lock file; null: unreadable (treated as stale) */
function readLock(file: string): LockInfo | null | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  try {
    return JSON.parse(text) as LockInfo;
  } catch {
    return null;
  }
}

export function isAlive(holder: LockInfo): boolean {
  if (holder.host !== os.hostname()) return true; // cannot tell: assume it is working
  if (holder.bootId && bootId() && holder.bootId !== bootId()) return false; // rebooted since
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ESRCH") return false;
  }
  const start = processStart(holder.pid);
  return !(holder.pidStart && start && start !== holder.pidStart);
}

/**
 * Removes a stale lock only if it is still the one we judged stale; a short-lived mkdir mutex
 * keeps two processes from both removing and re-creating it.
 */
function takeOver(file: string, stale: LockInfo | null): boolean {
  const mutex = `${file}.takeover`;
  try {
    fs.mkdirSync(mutex);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    const age = Date.now() - (fs.statSync(mutex, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age > 10_000) fs.rmSync(mutex, { recursive: true, force: true });
    return false;
  }
  try {
    const again = readLock(file);
    if (again === undefined) return true;
    if (JSON.stringify(again) !== JSON.stringify(stale)) return false;
    fs.rmSync(file, { force: true });
    return true;
  } finally {
    fs.rmSync(mutex, { recursive: true, force: true });
  }
}

function handle(file: string, content: string, info: LockInfo, tookOverFrom: LockInfo | null): LockHandle {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.removeListener("exit", release);
    try {
      if (fs.readFileSync(file, "utf8") === content) fs.rmSync(file, { force: true });
    } catch {
      // already gone
    }
  };
  process.on("exit", release);
  return { info, tookOverFrom, release };
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export function bootId(): string | null {
  try {
    return fs.readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return null;
  }
}

export function processStart(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // the command name (field 2) may contain spaces and parentheses: split after the last ")"
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}
