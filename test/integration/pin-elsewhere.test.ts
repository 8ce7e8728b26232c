/**
 * #12.3: a compose file kiln pinned in another folder — a copy, the old name of this folder, a
 * teammate's commit — carries `kiln.invalid/<other-project>…:kiln-<12 hex>` pins kiln has no
 * record of here. status reports them (pinned-elsewhere, with the fix), doctor flags them,
 * restore undoes them from kiln's records of the other folder, or with --from-git from the last
 * commit that has the build:, and otherwise refuses (exit 2) saying what to do.
 */
import { spawnSync } from "node:child_process";
import { appendFileSync, cpSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { expectSchema } from "../helpers/json-schema.js";
import { bakeFixture, engineAvailable, removeDir, runKiln, tempCopy, testLabel } from "../helpers/kiln.js";

const dirs: string[] = [];
const images = new Set<string>();
afterAll(() => {
  for (const i of images) spawnSync("docker", ["image", "rm", "-f", i], { stdio: "ignore" });
  dirs.forEach(removeDir);
});

interface StatusJson {
  services: { name: string; state: string; image: string; reason: string; fix?: string }[];
}
interface DoctorJson {
  checks: { id: string; status: string; message: string; hint?: string }[];
}
interface ErrorJson {
  ok: false;
  error: { code: string; message: string; hint: string };
}

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync("git", ["-c", "user.name=kiln test", "-c", "user.email=kiln@test.invalid", ...args], {
    cwd,
    encoding: "utf8",
  });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

/** a baked copy of bake/basic; returns its folder, env, original compose text and pinned refs */
function baked(options: { git?: boolean } = {}) {
  const { dir, env } = bakeFixture("bake/basic");
  dirs.push(dir, `${dir}.state`);
  if (options.git) {
    git(dir, "init", "-q");
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "the project");
  }
  const file = path.join(dir, "docker-compose.yml");
  const original = readFileSync(file, "utf8");
  const r = runKiln(["bake", "--json", "--project-dir", dir], { env });
  expect(r.code, r.stderr).toBe(0);
  for (const s of (JSON.parse(r.stdout) as { services: { image: string }[] }).services) images.add(s.image);
  return { dir, env, file, original };
}

function status(dir: string, env: NodeJS.ProcessEnv): StatusJson["services"] {
  const st = runKiln(["status", "--json", "--project-dir", dir], { env });
  expect(st.code, st.stderr).toBe(0);
  const body = JSON.parse(st.stdout) as StatusJson;
  expectSchema("status", body);
  return body.services;
}

function doctor(dir: string, env: NodeJS.ProcessEnv) {
  const d = runKiln(["doctor", "--json", "--project-dir", dir], { env });
  return { code: d.code, checks: (JSON.parse(d.stdout) as DoctorJson).checks };
}

describe.skipIf(!engineAvailable())("pins made in another folder (#12.3)", () => {
  it("a copied folder: status and doctor name the pins, restore undoes them from the other folder's records", () => {
    const a = baked();
    const copy = `${a.dir}-copy`;
    dirs.push(copy);
    cpSync(a.dir, copy, { recursive: true });

    const services = status(copy, a.env);
    expect(services.map((s) => [s.name, s.state, s.fix])).toEqual([
      ["api", "pinned-elsewhere", "kiln restore"],
      ["worker", "pinned-elsewhere", "kiln restore"],
    ]);
    expect(services[0].reason).toContain("docker-compose.yml:");
    expect(services[0].reason).toContain(a.file);
    const d = doctor(copy, a.env);
    expect(d.checks.find((c) => c.id === "service.api")).toMatchObject({
      status: "warn",
      hint: "kiln restore",
    });

    const r = runKiln(["restore", "--json", "--project-dir", copy], { env: a.env });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ restored: ["api", "worker"] });
    expect(readFileSync(path.join(copy, "docker-compose.yml"), "utf8")).toBe(a.original);
    // the folder it was copied from keeps its pins
    expect(status(a.dir, a.env).map((s) => s.state)).toEqual(["baked", "baked"]);
  });

  it("a renamed folder: restore keeps an edit made after the rename", () => {
    const a = baked();
    const renamed = `${a.dir}-renamed`;
    dirs.push(renamed);
    renameSync(a.dir, renamed);
    const file = path.join(renamed, "docker-compose.yml");
    appendFileSync(file, "# edited after the rename\n");
    expect(status(renamed, a.env).map((s) => s.state)).toEqual(["pinned-elsewhere", "pinned-elsewhere"]);
    const r = runKiln(["restore", "--project-dir", renamed], { env: a.env });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(`${a.original}# edited after the rename\n`);
  });

  it("a fresh clone of a committed pinned file: restore refuses with the fix, --from-git restores the committed original", () => {
    const a = baked({ git: true });
    git(a.dir, "commit", "-qam", "pinned by mistake");
    const clone = tempCopy();
    dirs.push(clone, `${clone}.state`);
    removeDir(clone);
    git(path.dirname(clone), "clone", "-q", a.dir, clone);
    // a teammate's machine: no kiln state of the other folder
    const env = { KILN_STATE_DIR: `${clone}.state`, KILN_LABELS: testLabel() };
    const file = path.join(clone, "docker-compose.yml");
    const pinned = readFileSync(file, "utf8");

    const services = status(clone, env);
    expect(services.map((s) => [s.state, s.fix])).toEqual([
      ["pinned-elsewhere", "kiln restore --from-git"],
      ["pinned-elsewhere", "kiln restore --from-git"],
    ]);
    expect(doctor(clone, env).checks.find((c) => c.id === "service.worker")).toMatchObject({
      hint: "kiln restore --from-git",
    });

    const refused = runKiln(["restore", "--json", "--project-dir", clone], { env });
    expect(refused.code).toBe(2);
    const err = (JSON.parse(refused.stdout) as ErrorJson).error;
    expect(err.code).toBe("ERR_KILN_PINNED_ELSEWHERE");
    expect(err.hint).toContain("kiln restore --from-git");
    expect(err.hint).toContain("git checkout");
    expect(readFileSync(file, "utf8")).toBe(pinned);

    appendFileSync(file, "# a teammate's edit\n");
    const r = runKiln(["restore", "--from-git", "--project-dir", clone], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(`${a.original}# a teammate's edit\n`);
    expect(status(clone, env).map((s) => s.state)).toEqual(["unbaked", "unbaked"]);
  });

  it("no record and no git: status and doctor fail on a pinned image that is not here; restore refuses, nothing written", () => {
    const dir = tempCopy();
    dirs.push(dir, `${dir}.state`);
    const env = { KILN_STATE_DIR: `${dir}.state`, KILN_LABELS: testLabel() };
    mkdirSync(path.join(dir, "api"));
    const text = [
      "services:",
      "  api:",
      "    image: kiln.invalid/elsewhere-api:kiln-0123456789ab",
      "  db:",
      "    image: kiln-local/busybox:latest",
      "",
    ].join("\n");
    writeFileSync(path.join(dir, "compose.yaml"), text);

    const services = status(dir, env);
    expect(services).toHaveLength(1);
    expect(services[0]).toMatchObject({ name: "api", state: "pinned-elsewhere" });
    expect(services[0].reason).toContain("not on this engine");
    expect(services[0].fix).toBeUndefined();
    const d = doctor(dir, env);
    expect(d.checks.find((c) => c.id === "service.api")).toMatchObject({ status: "fail" });
    expect(d.code).toBe(1);

    const r = runKiln(["restore", "--from-git", "--json", "--project-dir", dir], { env });
    expect(r.code).toBe(2);
    const err = (JSON.parse(r.stdout) as ErrorJson).error;
    expect(err.code).toBe("ERR_KILN_PINNED_ELSEWHERE");
    expect(err.hint).toContain("by hand");
    expect(readFileSync(path.join(dir, "compose.yaml"), "utf8")).toBe(text);
  });
});
