/**
 * The state port's doctor view on a real temp dir (adapters/state/leftovers.ts): the state dir
 * judged on its nearest existing folder, a pending journal found, a lock read and removed.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { stateLeftovers } from "../../../src/adapters/state/leftovers.js";

let root: string | undefined;
afterEach(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
  root = undefined;
});

function tempRoot(): string {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "kiln-leftovers-"));
  return root;
}

describe("stateLeftovers", () => {
  it("a state dir not made yet is writable when its nearest existing folder is", () => {
    const state = path.join(tempRoot(), "kiln", "projects", "0123456789abcdef");
    const leftovers = stateLeftovers(state);
    expect(leftovers.unwritable()).toBeUndefined();
    expect(leftovers.journal()).toBeUndefined();
    expect(leftovers.lock()).toBeUndefined();
    expect(leftovers.orphans(false)).toEqual([]);
  });

  it("a file where a folder of the state dir should be is named", () => {
    const dir = tempRoot();
    fs.writeFileSync(path.join(dir, "kiln"), "not a folder\n");
    const state = path.join(dir, "kiln", "projects", "0123456789abcdef");
    expect(stateLeftovers(state).unwritable()).toEqual({
      at: path.join(dir, "kiln"),
      reason: "not-a-folder",
    });
  });

  it("finds a pending journal and a lock, tells a dead holder, and removes the lock", () => {
    const state = path.join(tempRoot(), "state");
    fs.mkdirSync(state);
    fs.writeFileSync(path.join(state, "journal.json"), JSON.stringify({ version: 1, entries: [] }));
    // a pid that cannot be running: the largest pid_max is 2^22
    const holder = { host: os.hostname(), pid: 2 ** 22 + 1, bootId: null, pidStart: null, startedAt: "t" };
    fs.writeFileSync(path.join(state, "lock"), JSON.stringify(holder));
    const leftovers = stateLeftovers(state);
    expect(leftovers.journal()).toBe(path.join(state, "journal.json"));
    expect(leftovers.lock()).toEqual({ holder, alive: false });
    leftovers.removeLock();
    expect(fs.existsSync(path.join(state, "lock"))).toBe(false);
    expect(leftovers.lock()).toBeUndefined();
  });

  it("an unreadable lock has no holder and is not alive", () => {
    const state = path.join(tempRoot(), "state");
    fs.mkdirSync(state);
    fs.writeFileSync(path.join(state, "lock"), "{ half a lo");
    expect(stateLeftovers(state).lock()).toEqual({ alive: false });
  });
});
