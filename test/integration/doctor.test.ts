/**
 * kiln doctor's project checks, each driven into failure on the real engine, and --fix.
 */
import { spawnSync } from "node:child_process";
import { appendFileSync, readdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bakeFixture, engineAvailable, removeDir, runKiln } from "../helpers/kiln.js";

interface Check {
  id: string;
  status: "ok" | "warn" | "fail";
  message: string;
  hint?: string;
}

const dirs: string[] = [];
const volumes: string[] = [];
afterAll(() => {
  dirs.forEach(removeDir);
  for (const v of volumes) spawnSync("docker", ["volume", "rm", "-f", v]);
});

function setup(): { dir: string; env: NodeJS.ProcessEnv; state: string } {
  const { dir, env } = bakeFixture("bake/basic");
  const state = `${dir}.state`;
  dirs.push(dir, state);
  return { dir, state, env };
}

function doctor(dir: string, env: NodeJS.ProcessEnv, ...extra: string[]): { code: number; checks: Check[] } {
  const r = runKiln(["doctor", "--json", "--project-dir", dir, ...extra], { env });
  return { code: r.code, checks: (JSON.parse(r.stdout) as { checks: Check[] }).checks };
}

function check(checks: Check[], id: string): Check | undefined {
  return checks.find((c) => c.id === id);
}

function projectState(state: string): string {
  const projects = path.join(state, "projects");
  return path.join(projects, readdirSync(projects)[0] ?? "");
}

describe.skipIf(!engineAvailable())("kiln doctor: project checks", () => {
  let p: ReturnType<typeof setup>;
  let images: Record<string, string>;

  beforeAll(() => {
    p = setup();
    const r = runKiln(["bake", "--json", "--project-dir", p.dir], { env: p.env });
    expect(r.code, r.stderr).toBe(0);
    images = Object.fromEntries(
      (JSON.parse(r.stdout) as { services: { name: string; image: string }[] }).services.map((s) => [
        s.name,
        s.image,
      ]),
    );
  });

  it("is all ok right after a bake", () => {
    const d = doctor(p.dir, p.env);
    expect(d.checks.filter((c) => c.status === "fail")).toEqual([]);
    expect(check(d.checks, "service.api")?.status).toBe("ok");
    expect(check(d.checks, "backup.docker-compose.yml")?.status).toBe("ok");
    expect(d.code).toBe(0);
  });

  it("an edited source makes the pinned service stale, naming the file and the fix", () => {
    appendFileSync(path.join(p.dir, "api", "server.txt"), "edit\n");
    const c = check(doctor(p.dir, p.env).checks, "service.api");
    expect(c).toMatchObject({ status: "warn", hint: "kiln bake api" });
    expect(c?.message).toContain("server.txt");
  });

  it("a deleted pinned image fails with `kiln rebuild SERVICE` / `kiln restore`", () => {
    spawnSync("docker", ["image", "rm", "-f", images.worker]);
    const d = doctor(p.dir, p.env);
    expect(check(d.checks, "service.worker")).toMatchObject({
      status: "fail",
      hint: expect.stringContaining("kiln rebuild worker") as unknown,
    });
    expect(d.code).toBe(1);
  });

  it("a corrupted backup fails", () => {
    const backups = path.join(projectState(p.state), "backups");
    const orig = readdirSync(backups).find((f) => f.endsWith(".orig"))!;
    appendFileSync(path.join(backups, orig), "# tampered\n");
    const c = check(doctor(p.dir, p.env).checks, "backup.docker-compose.yml");
    expect(c).toMatchObject({ status: "fail" });
    expect(c?.message).toContain("checksum");
  });

  it("a stale lock warns, and --fix removes it", () => {
    const lock = path.join(projectState(p.state), "lock");
    writeFileSync(
      lock,
      JSON.stringify({
        host: os.hostname(),
        pid: 999_999,
        bootId: null,
        pidStart: null,
        startedAt: "2026-01-01T00:00:00Z",
      }),
    );
    expect(check(doctor(p.dir, p.env).checks, "state.lock")).toMatchObject({
      status: "warn",
      hint: expect.stringContaining("--fix") as unknown,
    });
    expect(check(doctor(p.dir, p.env, "--fix").checks, "state.lock")?.status).toBe("ok");
    expect(check(doctor(p.dir, p.env).checks, "state.lock")).toMatchObject({
      status: "ok",
      message: "no lock held",
    });
  });
});

describe.skipIf(!engineAvailable())("kiln doctor: compose and volumes", () => {
  it("a broken compose file fails with file:line and a hint (exit 1)", () => {
    const p = setup();
    writeFileSync(path.join(p.dir, "docker-compose.yml"), "services:\n  api:\n    build: [unclosed\n");
    const d = doctor(p.dir, p.env);
    const c = check(d.checks, "compose.project");
    expect(c?.status).toBe("fail");
    expect(c?.message).toMatch(/docker-compose\.yml:\d+/);
    expect(c?.hint).toBeTruthy();
    expect(d.code).toBe(1);
  });

  it("a missing named volume warns, and --fix creates it (labelled)", () => {
    const p = setup();
    const name = `kiln-test-doctor-${process.pid}-${Date.now()}`;
    volumes.push(name);
    writeFileSync(
      path.join(p.dir, "docker-compose.yml"),
      `services:\n  api:\n    build: ./api\n    volumes:\n      - pip:/root/.cache/pip\nvolumes:\n  pip:\n    name: ${name}\n`,
    );
    const c = check(doctor(p.dir, p.env).checks, `volume.${name}`);
    expect(c).toMatchObject({
      status: "warn",
      hint: expect.stringContaining("kiln volumes ensure") as unknown,
    });
    expect(check(doctor(p.dir, p.env, "--fix").checks, `volume.${name}`)?.status).toBe("ok");
    const labels = spawnSync("docker", ["volume", "inspect", "--format", "{{json .Labels}}", name], {
      encoding: "utf8",
    });
    expect(labels.status).toBe(0);
    expect(JSON.parse(labels.stdout)).toMatchObject({ "kiln.managed": "true" });
  });
});
