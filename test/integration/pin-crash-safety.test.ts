/**
 * Crash safety of pinning on the real filesystem: fault injection at each fixed point, kill -9
 * at random moments, and the in-place fallback for a bind-mounted single file. After the next
 * run's recoverJournal(), every compose file is exactly before or exactly after (both files
 * together), and the backup is byte-identical to the original.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeFileAtomic } from "../../src/adapters/fs/atomic-write.js";
import { BackupStore } from "../../src/adapters/state/backup-store.js";
import { journalPath, recoverJournal } from "../../src/adapters/state/journal.js";
import { pinService } from "../../src/core/pin/pin-text.js";
import { fixturesDir, removeDir, repoRoot, tempCopy } from "../helpers/kiln.js";

const nasty = fs.readFileSync(path.join(fixturesDir, "pin", "nasty.yml"), "utf8");
const SECOND =
  "# devcontainer compose\r\nservices:\r\n  dev:\r\n    build:\r\n      context: ..\r\n    init: true";

/** Transpiles the child scripts and the modules they import (no type check) into `outDir`. */
function buildChildren(outDir: string, names: string[]): string[] {
  const entries = names.map((n) => path.join(fixturesDir, "pin", `${n}.ts`));
  const queue = [...entries];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = fs.readFileSync(file, "utf8");
    const js = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    const out = path.join(outDir, path.relative(repoRoot, file).replace(/\.ts$/, ".js"));
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, js);
    for (const m of js.matchAll(/from "(\.{1,2}\/[^"]+)\.js"/g)) {
      queue.push(path.resolve(path.dirname(file), `${m[1]}.ts`));
    }
  }
  fs.writeFileSync(path.join(outDir, "package.json"), '{ "type": "module" }\n');
  fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(outDir, "node_modules"));
  return entries.map((e) => path.join(outDir, path.relative(repoRoot, e).replace(/\.ts$/, ".js")));
}

interface Project {
  dir: string;
  state: string;
  files: { path: string; before: string; after: string }[];
}

function project(): Project {
  const dir = tempCopy();
  const a = path.join(dir, "compose.yml");
  const b = path.join(dir, ".devcontainer", "compose.yml");
  fs.mkdirSync(path.dirname(b));
  fs.writeFileSync(a, nasty);
  fs.writeFileSync(b, SECOND);
  const afterA = pinService(
    pinService(nasty, "web", "kiln.invalid/p-web:kiln-1").text,
    "api",
    "kiln.invalid/p-api:kiln-1",
  ).text;
  const afterB = pinService(SECOND, "dev", "kiln.invalid/p-dev:kiln-1").text;
  return {
    dir,
    state: path.join(dir, "state"), // a test stand-in for the state dir outside the project
    files: [
      { path: a, before: nasty, after: afterA },
      { path: b, before: SECOND, after: afterB },
    ],
  };
}

let recoveries = 0;

/** After recovery: all files before, or all after; backups pristine; no temp files left. */
function assertConsistent(p: Project): "before" | "after" {
  const report = recoverJournal(p.state);
  if (report.found) recoveries++;
  expect(report.conflicts).toEqual([]);
  expect(fs.existsSync(journalPath(p.state))).toBe(false);
  const now = p.files.map((f) => fs.readFileSync(f.path, "utf8"));
  const states = now.map((text, i) =>
    text === p.files[i].before ? "before" : text === p.files[i].after ? "after" : "torn",
  );
  expect(new Set(states).size, `states ${states.join(",")}`).toBe(1);
  expect(states[0]).not.toBe("torn");
  const backups = new BackupStore(p.state);
  for (const f of p.files) {
    if (backups.get(f.path)) expect(backups.read(f.path).toString("utf8")).toBe(f.before);
  }
  for (const f of p.files) {
    expect(fs.readdirSync(path.dirname(f.path)).filter((n) => n.includes(".kiln-"))).toEqual([]);
  }
  return states[0] as "before" | "after";
}

let buildDir: string;
let child: string;
let lockChild: string;
let writeChild: string;
const projects: string[] = [];
beforeAll(() => {
  buildDir = tempCopy();
  [child, lockChild, writeChild] = buildChildren(buildDir, ["commit-child", "lock-child", "write-child"]) as [
    string,
    string,
    string,
  ];
});
afterAll(() => {
  if (process.env.KEEP_CHILD) console.log("CHILD", child);
  else removeDir(buildDir);
  for (const d of projects) removeDir(d);
});

function runChild(p: Project, loop: boolean, env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [child, JSON.stringify({ state: p.state, files: p.files, loop })], {
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 30_000,
  });
}

describe("crash safety of multi-file pins", () => {
  it("commits both files when nothing goes wrong", () => {
    const p = project();
    projects.push(p.dir);
    const r = runChild(p, false);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(assertConsistent(p)).toBe("after");
  });

  const points = ["after-temp-write", "after-fsync", "between-renames", "between-files"];
  for (const point of points) {
    it(`dies at ${point} (each hit in turn) and is never torn`, () => {
      const outcomes: string[] = [];
      // every hit of the point in turn (backups, journal, each file) until the child gets through
      for (let skip = 0; skip < 12 && !outcomes.at(-1)?.includes("ran"); skip++) {
        const p = project();
        projects.push(p.dir);
        const r = runChild(p, false, { KILN_FAULT: point, KILN_FAULT_SKIP: String(skip) });
        const killed = r.signal === "SIGKILL";
        if (!killed) expect(r.status).toBe(0);
        outcomes.push(`${skip}:${killed ? "killed" : "ran"}:${assertConsistent(p)}`);
      }
      expect(outcomes.at(-1)).toMatch(/ran:after$/);
      expect(outcomes.length).toBe(point.startsWith("after-") ? 8 : 2); // 4 backup files, journal, 2 files
      // before the journal is in place nothing changed; once it is, recovery completes the commit
      expect(outcomes[0]).toMatch(point.startsWith("after-") ? /killed:before$/ : /killed:after$/);
    });
  }

  it("survives kill -9 at random moments (30 runs)", async () => {
    let seed = 12345;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const seen = { before: 0, after: 0 };
    recoveries = 0;
    for (let i = 0; i < 30; i++) {
      const p = project();
      projects.push(p.dir);
      const job = JSON.stringify({ state: p.state, files: p.files, loop: true });
      // stderr inherited: a crash of the child itself shows up
      const proc = spawn(process.execPath, [child, job], { stdio: ["ignore", "pipe", "inherit"] });
      await new Promise((r) => proc.stdout.once("data", r)); // modules loaded: commits start now
      // one commit cycle takes 10-20 ms here: kill anywhere within the first few dozen
      await new Promise((r) => setTimeout(r, Math.floor(rand() * 300)));
      proc.kill("SIGKILL");
      await new Promise((r) => proc.once("exit", r));
      seen[assertConsistent(p)]++;
    }
    console.log(
      `kill -9: ${seen.before} runs ended before, ${seen.after} after; ${recoveries} interrupted commits completed`,
    );
    expect(seen.before + seen.after).toBe(30);
    expect(seen.before * seen.after).toBeGreaterThan(0); // both outcomes were reached
  });
});

describe("the project lock across processes", () => {
  it("never lets two live processes interleave", async () => {
    const dir = tempCopy();
    projects.push(dir);
    const log = path.join(dir, "log");
    const job = JSON.stringify({ state: path.join(dir, "state"), log, rounds: 8 });
    const procs = Array.from({ length: 4 }, () =>
      spawn(process.execPath, [lockChild, job], { stdio: ["ignore", "ignore", "inherit"] }),
    );
    const codes = await Promise.all(procs.map((p) => new Promise((r) => p.once("exit", r))));
    expect(codes).toEqual([0, 0, 0, 0]);
    const lines = fs.readFileSync(log, "utf8").trim().split("\n");
    expect(lines).toHaveLength(4 * 8 * 2);
    for (let i = 0; i < lines.length; i += 2) {
      expect(lines[i]).toMatch(/^start \d+$/);
      expect(lines[i + 1]).toBe(lines[i].replace("start", "end"));
    }
    expect(fs.existsSync(path.join(dir, "state", "lock"))).toBe(false);
  });
});

describe.skipIf(process.getuid?.() !== 0)("a file of another owner, written by a non-root user", () => {
  it("keeps owner and mode by rewriting in place", () => {
    const dir = tempCopy();
    projects.push(dir);
    fs.chmodSync(buildDir, 0o755);
    fs.chmodSync(dir, 0o777);
    const file = path.join(dir, "compose.yml");
    fs.writeFileSync(file, nasty);
    fs.chmodSync(file, 0o666);
    fs.chownSync(file, 1234, 1234);
    const after = pinService(nasty, "web", "kiln.invalid/p-web:kiln-1").text;
    const r = spawnSync(
      process.execPath,
      [writeChild, JSON.stringify({ file, content: after, expected: nasty })],
      {
        uid: 65534,
        gid: 65534,
        encoding: "utf8",
      },
    );
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("in-place");
    const st = fs.statSync(file);
    expect([st.uid, st.gid, st.mode & 0o777]).toEqual([1234, 1234, 0o666]);
    expect(fs.readFileSync(file, "utf8")).toBe(after);
    expect(fs.readdirSync(dir).filter((n) => n.includes(".kiln-"))).toEqual([]);
  });
});

describe.skipIf(process.getuid?.() !== 0)("a bind-mounted single file", () => {
  it("is rewritten in place when rename is impossible", async () => {
    const dir = tempCopy();
    projects.push(dir);
    const source = path.join(dir, "host-compose.yml");
    const mounted = path.join(dir, "compose.yml");
    fs.writeFileSync(source, nasty);
    fs.chmodSync(source, 0o640);
    fs.writeFileSync(mounted, "");
    const m = spawnSync("mount", ["--bind", source, mounted]);
    expect(m.status, m.stderr?.toString()).toBe(0);
    try {
      const after = pinService(nasty, "web", "kiln.invalid/p-web:kiln-1").text;
      const r = await writeFileAtomic(mounted, after, { expectedCurrent: nasty });
      expect(r.method).toBe("in-place");
      expect(fs.readFileSync(mounted, "utf8")).toBe(after);
      expect(fs.readFileSync(source, "utf8")).toBe(after);
      expect(fs.statSync(mounted).mode & 0o777).toBe(0o640);
      expect(fs.readdirSync(dir).filter((n) => n.includes(".kiln-"))).toEqual([]);
      // the re-read still guards the fallback
      await expect(writeFileAtomic(mounted, nasty, { expectedCurrent: nasty })).rejects.toMatchObject({
        code: "ERR_KILN_FILE_CHANGED",
      });
    } finally {
      spawnSync("umount", [mounted]);
    }
  });
});
