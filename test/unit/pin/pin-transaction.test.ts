import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { BackupStore } from "../../../src/adapters/state/backup-store.js";
import { journalPath } from "../../../src/adapters/state/journal.js";
import { lockPath } from "../../../src/adapters/state/lock.js";
import { commitPinChanges, openProjectState } from "../../../src/adapters/state/pin-transaction.js";
import { pinsOf, readPins } from "../../../src/adapters/state/pin-store.js";
import { projectStateDir } from "../../../src/adapters/state/state-dir.js";
import { pinService } from "../../../src/core/pin/pin-text.js";
import { unpinAll } from "../../../src/core/pin/unpin-text.js";
import { removeDir, tempCopy } from "../../helpers/kiln.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) removeDir(d);
});

const A = "services:\n  web:\n    build: ./web # web\n  db:\n    image: busybox\n";
const B = "services:\n  dev:\n    image: old\n    build:\n      context: ..\n";

function setup() {
  const project = tempCopy();
  const stateRoot = tempCopy();
  dirs.push(project, stateRoot);
  const env = { KILN_STATE_DIR: stateRoot };
  const a = path.join(project, "compose.yml");
  const b = path.join(project, ".devcontainer", "compose.yml");
  fs.mkdirSync(path.dirname(b));
  fs.writeFileSync(a, A);
  fs.writeFileSync(b, B);
  return { project, env, a, b, stateDir: projectStateDir(project, env) };
}

describe("pin transactions", () => {
  it("pins two files with backups and records, then restores and forgets the backups", () => {
    const { project, env, a, b, stateDir } = setup();
    const logs: string[] = [];
    const st = openProjectState(project, { env, command: "bake", log: (m) => logs.push(m) });
    expect(st.stateDir).toBe(stateDir);
    expect(fs.existsSync(lockPath(stateDir))).toBe(true);
    const pa = pinService(A, "web", "kiln.invalid/p-web:kiln-1");
    const pb = pinService(B, "dev", "kiln.invalid/p-dev:kiln-1");
    commitPinChanges(stateDir, [
      { file: a, before: A, after: pa.text, records: { web: pa.record } },
      { file: b, before: B, after: pb.text, records: { dev: pb.record } },
    ]);
    st.close();
    expect(fs.existsSync(lockPath(stateDir))).toBe(false);
    expect([fs.readFileSync(a, "utf8"), fs.readFileSync(b, "utf8")]).toEqual([pa.text, pb.text]);
    const backups = new BackupStore(stateDir);
    expect(backups.read(a).toString()).toBe(A);
    expect(backups.read(b).toString()).toBe(B);
    const pins = readPins(stateDir);
    expect(pinsOf(pins, a)).toEqual([pa.record]);

    const st2 = openProjectState(project, { env, log: (m) => logs.push(m) });
    const cur = fs.readFileSync(a, "utf8");
    commitPinChanges(st2.stateDir, [
      { file: a, before: cur, after: unpinAll(cur, pinsOf(readPins(stateDir), a)), records: { web: null } },
    ]);
    st2.close();
    expect(fs.readFileSync(a, "utf8")).toBe(A);
    expect(backups.get(a)).toBeNull(); // no pins left: the next bake backs up afresh
    expect(backups.read(b).toString()).toBe(B);
    expect(pinsOf(readPins(stateDir), b)).toEqual([pb.record]);
    expect(logs).toEqual([]);
  });

  it("writes nothing and keeps no backup of edited content when the file changed meanwhile", () => {
    const { project, env, a, stateDir } = setup();
    const st = openProjectState(project, { env, log: () => {} });
    const pa = pinService(A, "web", "kiln.invalid/p-web:kiln-1");
    fs.writeFileSync(a, A + "# someone else\n");
    expect(() =>
      commitPinChanges(stateDir, [{ file: a, before: A, after: pa.text, records: { web: pa.record } }]),
    ).toThrow(expect.objectContaining({ code: "ERR_KILN_FILE_CHANGED" }));
    st.close();
    expect(fs.readFileSync(a, "utf8")).toBe(A + "# someone else\n");
    expect(new BackupStore(stateDir).get(a)).toBeNull();
    expect(readPins(stateDir).files).toEqual({});
  });

  it("completes a commit a crashed kiln left behind when the project is opened", () => {
    const { project, env, a, stateDir } = setup();
    fs.mkdirSync(stateDir, { recursive: true });
    const target = fs.realpathSync(a);
    const entry = {
      path: target,
      before: Buffer.from(A).toString("base64"),
      after: Buffer.from("x: 1\n").toString("base64"),
      sha256After: null,
    };
    fs.writeFileSync(
      journalPath(stateDir),
      JSON.stringify({ version: 1, createdAt: "", pid: 1, entries: [entry] }),
    );
    const logs: string[] = [];
    const st = openProjectState(project, { env, log: (m) => logs.push(m) });
    st.close();
    expect(st.recovery.completed).toEqual([target]);
    expect(fs.readFileSync(a, "utf8")).toBe("x: 1\n");
    expect(logs[0]).toContain("completed an interrupted change");
  });
});
