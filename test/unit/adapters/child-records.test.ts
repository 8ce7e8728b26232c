/**
 * Child records: an orphan is ended only through its recorded pid and start time; a live owner's
 * children and a reused pid are never signalled.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  childrenDir,
  endOrphans,
  findOrphans,
  recordChildren,
} from "../../../src/adapters/state/child-records.js";
import { runProcess } from "../../../src/adapters/process-runner.js";
import { bootId, processStart } from "../../../src/adapters/state/lock.js";

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

function stateDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kiln-children-"));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** a `sleep` in its own process group, as kiln starts builds */
function sleeper(): number {
  const child = spawn("sleep", ["30"], { detached: true, stdio: "ignore" });
  child.unref();
  cleanups.push(() => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // ended
    }
  });
  return child.pid!;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const state = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0];
    return state !== "Z";
  } catch {
    return false;
  }
}

/** a record as a kiln that has since died (pid 2^22 - 1 is never a live process here) would have left */
function writeRecord(dir: string, pid: number, pidStart: string | null): void {
  fs.mkdirSync(childrenDir(dir), { recursive: true });
  const owner = { host: os.hostname(), pid: 4194303, bootId: bootId(), pidStart: "1", startedAt: "" };
  fs.writeFileSync(
    path.join(childrenDir(dir), `${pid}.json`),
    JSON.stringify({ pid, pidStart, owner, command: "sleep 30", startedAt: "" }),
  );
}

describe("child records", () => {
  it("records a child while it runs and forgets it when it ends", async () => {
    const dir = stateDir();
    const stop = recordChildren(dir);
    let during: string[] = [];
    try {
      const run = runProcess(["sleep", "0.3"]);
      await new Promise((r) => setTimeout(r, 100));
      during = fs.readdirSync(childrenDir(dir));
      await run;
    } finally {
      stop();
    }
    expect(during).toHaveLength(1);
    expect(fs.readdirSync(childrenDir(dir))).toEqual([]);
  });

  it("ends the process group of a dead kiln's child", async () => {
    const dir = stateDir();
    const pid = sleeper();
    await new Promise((r) => setTimeout(r, 50));
    writeRecord(dir, pid, processStart(pid));
    expect(findOrphans(dir).map((o) => o.record.pid)).toEqual([pid]);
    expect(endOrphans(dir).map((o) => o.record.pid)).toEqual([pid]);
    await new Promise((r) => setTimeout(r, 100));
    expect(alive(pid)).toBe(false);
    expect(fs.readdirSync(childrenDir(dir))).toEqual([]);
  });

  it("never signals a pid whose start time differs from the record (a reused pid)", () => {
    const dir = stateDir();
    const pid = sleeper();
    writeRecord(dir, pid, "1");
    expect(endOrphans(dir)).toEqual([]);
    expect(alive(pid)).toBe(true);
    expect(fs.readdirSync(childrenDir(dir))).toEqual([]); // the stale record is dropped
  });

  it("leaves the children of a kiln that is still running alone", () => {
    const dir = stateDir();
    const pid = sleeper();
    fs.mkdirSync(childrenDir(dir), { recursive: true });
    const owner = {
      host: os.hostname(),
      pid: process.pid,
      bootId: bootId(),
      pidStart: processStart(process.pid),
      startedAt: "",
    };
    fs.writeFileSync(
      path.join(childrenDir(dir), `${pid}.json`),
      JSON.stringify({ pid, pidStart: processStart(pid), owner, command: "sleep 30", startedAt: "" }),
    );
    expect(findOrphans(dir)).toEqual([]);
    expect(alive(pid)).toBe(true);
  });
});
