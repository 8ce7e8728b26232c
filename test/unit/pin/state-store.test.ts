import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { BackupStore } from "../../../src/adapters/state/backup-store.js";
import { commitFiles, journalPath, recoverJournal } from "../../../src/adapters/state/journal.js";
import { acquireLock, bootId, lockPath } from "../../../src/adapters/state/lock.js";
import { pinsFileChange, pinsOf, readPins, withPin } from "../../../src/adapters/state/pin-store.js";
import { kilnStateRoot, projectKey, projectStateDir } from "../../../src/adapters/state/state-dir.js";
import { pinService } from "../../../src/core/pin/pin-text.js";
import { removeDir, tempCopy } from "../../helpers/kiln.js";

const dirs: string[] = [];
function tmp(): string {
  const d = tempCopy();
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) removeDir(d);
});

const COMPOSE = "services:\n  app:\n    build: . # mine\n    init: true\n";

describe("projectStateDir", () => {
  it("lives outside the project, keyed by the absolute path", () => {
    expect(projectStateDir("/work/p", { KILN_STATE_DIR: "/s" })).toBe(`/s/projects/${projectKey("/work/p")}`);
    expect(projectKey("/work/p")).toMatch(/^[0-9a-f]{16}$/);
    expect(kilnStateRoot({ XDG_STATE_HOME: "/x", HOME: "/h" })).toBe("/x/kiln");
    expect(kilnStateRoot({ HOME: "/h" })).toBe("/h/.local/state/kiln");
    expect(projectStateDir("/a/../work/p", { KILN_STATE_DIR: "/s" })).toBe(
      projectStateDir("/work/p", { KILN_STATE_DIR: "/s" }),
    );
  });
});

describe("BackupStore", () => {
  it("keeps the first original forever and verifies its checksum", () => {
    const dir = tmp();
    const file = path.join(dir, "compose.yml");
    fs.writeFileSync(file, COMPOSE);
    const store = new BackupStore(path.join(dir, "state"));
    const meta = store.ensureBackup(file);
    expect(meta.size).toBe(COMPOSE.length);
    fs.writeFileSync(file, "changed by a bake\n");
    store.ensureBackup(file); // a later bake: never overwrites
    expect(store.read(file).toString()).toBe(COMPOSE);
    expect(store.verify(file)).toBe(true);
    fs.appendFileSync(store.paths(file).data, "x");
    expect(store.verify(file)).toBe(false);
    expect(() => store.read(file)).toThrow(expect.objectContaining({ code: "ERR_KILN_BACKUP" }));
    expect(() => store.ensureBackup(file)).toThrow(expect.objectContaining({ code: "ERR_KILN_BACKUP" }));
  });

  it("restores wholesale only when nothing but the pins changed, unless forced", () => {
    const dir = tmp();
    const file = path.join(dir, "compose.yml");
    fs.writeFileSync(file, COMPOSE);
    const store = new BackupStore(path.join(dir, "state"));
    store.ensureBackup(file);
    const { text, record } = pinService(COMPOSE, "app", "kiln.invalid/p-app:kiln-1");
    fs.writeFileSync(file, text);
    store.restoreWholesale(file, { records: [record] });
    expect(fs.readFileSync(file, "utf8")).toBe(COMPOSE);

    fs.writeFileSync(file, text + "# user edit\n");
    expect(() => store.restoreWholesale(file, { records: [record] })).toThrow(
      expect.objectContaining({ code: "ERR_KILN_FILE_CHANGED" }),
    );
    expect(fs.readFileSync(file, "utf8")).toBe(text + "# user edit\n");
    store.restoreWholesale(file, { records: [record], force: true });
    expect(fs.readFileSync(file, "utf8")).toBe(COMPOSE);
    fs.rmSync(file); // deleted by the user: only with --force
    expect(() => store.restoreWholesale(file, { records: [record] })).toThrow(
      expect.objectContaining({ code: "ERR_KILN_FILE_CHANGED" }),
    );
    store.restoreWholesale(file, { force: true });
    expect(fs.readFileSync(file, "utf8")).toBe(COMPOSE);
    store.discard(file);
    expect(store.get(file)).toBeNull();
    expect(() => store.read(file)).toThrow(expect.objectContaining({ code: "ERR_KILN_BACKUP" }));
  });
});

describe("journal", () => {
  it("commits several files and leaves no journal", () => {
    const dir = tmp();
    const state = path.join(dir, "state");
    const a = path.join(dir, "a.yml");
    const b = path.join(dir, "b.yml");
    fs.writeFileSync(a, "a0\n");
    commitFiles(state, [
      { path: a, content: "a1\n", expectedCurrent: "a0\n" },
      { path: b, content: "b1\n", expectedCurrent: null },
    ]);
    expect([fs.readFileSync(a, "utf8"), fs.readFileSync(b, "utf8")]).toEqual(["a1\n", "b1\n"]);
    expect(fs.existsSync(journalPath(state))).toBe(false);
    commitFiles(state, [{ path: b, content: null }]);
    expect(fs.existsSync(b)).toBe(false);
    expect(recoverJournal(state)).toEqual({ found: false, completed: [], conflicts: [] });
  });

  it("writes nothing when a file changed before the commit", () => {
    const dir = tmp();
    const state = path.join(dir, "state");
    const a = path.join(dir, "a.yml");
    const b = path.join(dir, "b.yml");
    fs.writeFileSync(a, "a0\n");
    fs.writeFileSync(b, "edited\n");
    expect(() =>
      commitFiles(state, [
        { path: a, content: "a1\n", expectedCurrent: "a0\n" },
        { path: b, content: "b1\n", expectedCurrent: "b0\n" },
      ]),
    ).toThrow(expect.objectContaining({ code: "ERR_KILN_FILE_CHANGED" }));
    expect([fs.readFileSync(a, "utf8"), fs.readFileSync(b, "utf8")]).toEqual(["a0\n", "edited\n"]);
    expect(fs.existsSync(journalPath(state))).toBe(false);
  });

  it("completes an interrupted commit and leaves files edited since alone", () => {
    const dir = tmp();
    const state = path.join(dir, "state");
    fs.mkdirSync(state);
    const files = ["a", "b", "c"].map((n) => path.join(fs.realpathSync(dir), `${n}.yml`));
    fs.writeFileSync(files[0], "a1\n"); // done before the crash
    fs.writeFileSync(files[1], "b0\n"); // not yet
    fs.writeFileSync(files[2], "c-user\n"); // edited by the user after the crash
    fs.writeFileSync(path.join(dir, ".b.yml.kiln-1-x.tmp"), "half");
    const e = (p: string, before: string, after: string) => ({
      path: p,
      before: Buffer.from(before).toString("base64"),
      after: Buffer.from(after).toString("base64"),
      sha256After: null,
    });
    fs.writeFileSync(
      journalPath(state),
      JSON.stringify({
        version: 1,
        createdAt: "",
        pid: 1,
        entries: [e(files[0], "a0\n", "a1\n"), e(files[1], "b0\n", "b1\n"), e(files[2], "c0\n", "c1\n")],
      }),
    );
    const report = recoverJournal(state);
    expect(report).toEqual({ found: true, completed: [files[1]], conflicts: [files[2]] });
    expect(files.map((f) => fs.readFileSync(f, "utf8"))).toEqual(["a1\n", "b1\n", "c-user\n"]);
    expect(fs.readdirSync(dir).filter((n) => n.includes(".kiln-"))).toEqual([]);
    expect(fs.existsSync(journalPath(state))).toBe(false);
  });

  it("refuses to start a commit while an unfinished one is pending", () => {
    const dir = tmp();
    const state = path.join(dir, "state");
    fs.mkdirSync(state);
    fs.writeFileSync(journalPath(state), JSON.stringify({ version: 1, createdAt: "", pid: 1, entries: [] }));
    expect(() => commitFiles(state, [{ path: path.join(dir, "x"), content: "x" }])).toThrow(
      expect.objectContaining({ code: "ERR_KILN_INTERNAL" }),
    );
  });
});

describe("pins.json", () => {
  it("stores records per file and service and is deleted when empty", () => {
    const dir = tmp();
    const state = path.join(dir, "state");
    const file = path.join(dir, "compose.yml");
    fs.writeFileSync(file, COMPOSE);
    const { record } = pinService(COMPOSE, "app", "kiln.invalid/p-app:kiln-1");
    commitFiles(state, [pinsFileChange(state, withPin(readPins(state), file, "app", record))]);
    expect(pinsOf(readPins(state), file)).toEqual([record]);
    commitFiles(state, [pinsFileChange(state, withPin(readPins(state), file, "app", null))]);
    expect(fs.existsSync(path.join(state, "pins.json"))).toBe(false);
    expect(readPins(state)).toEqual({ version: 1, files: {} });
  });
});

describe("project lock", () => {
  it("is exclusive while held and released after", () => {
    const state = path.join(tmp(), "state");
    const lock = acquireLock(state, { command: "bake" });
    const info = JSON.parse(fs.readFileSync(lockPath(state), "utf8")) as Record<string, unknown>;
    expect(info).toMatchObject({ host: os.hostname(), pid: process.pid, bootId: bootId(), command: "bake" });
    expect(() => acquireLock(state)).toThrow(
      expect.objectContaining({ code: "ERR_KILN_LOCKED", exitCode: 4 }),
    );
    lock.release();
    expect(fs.existsSync(lockPath(state))).toBe(false);
    acquireLock(state).release();
  });

  it("refuses a lock held by another live process, naming its pid", async () => {
    const state = path.join(tmp(), "state");
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"], { stdio: "ignore" });
    try {
      const start = fs.readFileSync(`/proc/${child.pid}/stat`, "utf8");
      const pidStart = start.slice(start.lastIndexOf(")") + 2).split(" ")[19];
      fs.mkdirSync(state, { recursive: true });
      const holder = {
        host: os.hostname(),
        pid: child.pid,
        bootId: bootId(),
        pidStart,
        startedAt: "2026-01-01T00:00:00Z",
      };
      fs.writeFileSync(lockPath(state), JSON.stringify(holder));
      expect(() => acquireLock(state)).toThrow(expect.objectContaining({ code: "ERR_KILN_LOCKED" }));
      expect(() => acquireLock(state)).toThrow(new RegExp(`pid ${child.pid}`));
      // the same pid with another start time is a reused pid: stale
      fs.writeFileSync(lockPath(state), JSON.stringify({ ...holder, pidStart: "1" }));
      const messages: string[] = [];
      acquireLock(state, { onTakeover: (m) => messages.push(m) }).release();
      expect(messages).toHaveLength(1);
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("takes over a lock left by a dead process, with a message", () => {
    const state = path.join(tmp(), "state");
    const dead = spawnSync(process.execPath, ["-e", "console.log(process.pid)"], { encoding: "utf8" });
    const pid = Number(dead.stdout.trim());
    fs.mkdirSync(state, { recursive: true });
    const stale = {
      host: os.hostname(),
      pid,
      bootId: bootId(),
      pidStart: null,
      startedAt: "2026-01-01T00:00:00Z",
    };
    fs.writeFileSync(lockPath(state), JSON.stringify(stale));
    const messages: string[] = [];
    const lock = acquireLock(state, { onTakeover: (m) => messages.push(m) });
    expect(lock.tookOverFrom).toEqual(stale);
    expect(messages[0]).toContain(`pid ${pid}`);
    expect(JSON.parse(fs.readFileSync(lockPath(state), "utf8"))).toMatchObject({ pid: process.pid });
    lock.release();
    // a lock from before a reboot is stale too, even if its pid is alive now
    fs.writeFileSync(lockPath(state), JSON.stringify({ ...stale, pid: process.pid, bootId: "another-boot" }));
    acquireLock(state, { onTakeover: () => {} }).release();
    // a lock from another host cannot be judged: refused
    fs.writeFileSync(lockPath(state), JSON.stringify({ ...stale, host: "elsewhere" }));
    expect(() => acquireLock(state)).toThrow(expect.objectContaining({ code: "ERR_KILN_LOCKED" }));
  });
});
