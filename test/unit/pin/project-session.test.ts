import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { journalPath } from "../../../src/adapters/state/journal.js";
import { lockPath } from "../../../src/adapters/state/lock.js";
import { openProjectSession } from "../../../src/adapters/state/project-session.js";
import { removeDir, tempCopy } from "../../helpers/kiln.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) removeDir(d);
});

function setup() {
  const project = tempCopy();
  const stateDir = path.join(tempCopy(), "state");
  dirs.push(project, path.dirname(stateDir));
  const file = path.join(project, "compose.yml");
  fs.writeFileSync(file, "a: 1\n");
  return { stateDir, file: fs.realpathSync(file) };
}

function leaveJournal(stateDir: string, file: string, after: string | null): void {
  fs.mkdirSync(stateDir, { recursive: true });
  const entry = {
    path: file,
    before: Buffer.from("a: 1\n").toString("base64"),
    after: after === null ? null : Buffer.from(after).toString("base64"),
    sha256After: null,
  };
  fs.writeFileSync(
    journalPath(stateDir),
    JSON.stringify({ version: 1, createdAt: "", pid: 1, entries: [entry] }),
  );
}

describe("project session (lock + journal recovery)", () => {
  it("holds the lock until released; a second session is refused meanwhile", () => {
    const { stateDir } = setup();
    const locked: string[] = [];
    const s = openProjectSession(stateDir, {
      command: "kiln test",
      log: () => {},
      onLocked: () => locked.push("x"),
    });
    expect(locked).toEqual(["x"]);
    expect(fs.existsSync(lockPath(stateDir))).toBe(true);
    expect(() => openProjectSession(stateDir, { command: "kiln test", log: () => {} })).toThrow(
      expect.objectContaining({ code: "ERR_KILN_LOCKED" }),
    );
    s.release();
    expect(fs.existsSync(lockPath(stateDir))).toBe(false);
  });

  it("completes a commit a crashed kiln left behind, under the lock", () => {
    const { stateDir, file } = setup();
    leaveJournal(stateDir, file, "b: 2\n");
    const s = openProjectSession(stateDir, { command: "kiln test", log: () => {} });
    s.release();
    expect(s.recovery.completed).toEqual([file]);
    expect(fs.readFileSync(file, "utf8")).toBe("b: 2\n");
    expect(fs.existsSync(journalPath(stateDir))).toBe(false);
  });

  it("releases the lock when the journal cannot be recovered", () => {
    const { stateDir } = setup();
    fs.mkdirSync(stateDir, { recursive: true });
    fs.writeFileSync(journalPath(stateDir), "{not json");
    expect(() => openProjectSession(stateDir, { command: "kiln test", log: () => {} })).toThrow(
      expect.objectContaining({ code: "ERR_KILN_BACKUP" }),
    );
    expect(fs.existsSync(lockPath(stateDir))).toBe(false);
  });
});
