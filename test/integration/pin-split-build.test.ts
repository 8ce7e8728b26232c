/**
 * #12.1: a service whose `build:` is split across compose files (compose.yaml has the context,
 * compose.override.yaml the target; or a two-entry devcontainer `dockerComposeFile`). A pin
 * must leave the MERGED model without `build:` — every contributing file is edited in one
 * journaled commit — so `docker compose build` (which `devcontainer up` always runs) builds
 * nothing and the pinned image is what runs; restore puts every file back byte for byte.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bakeFixture, engineAvailable, removeDir, runKiln } from "../helpers/kiln.js";

const dirs: string[] = [];
const images = new Set<string>();
afterAll(() => {
  dirs.forEach(removeDir);
  for (const i of images) spawnSync("docker", ["image", "rm", "-f", i], { stdio: "ignore" });
});

function fixture(name: string) {
  const f = bakeFixture(name);
  dirs.push(f.dir, `${f.dir}.state`);
  return f;
}

function run(cmd: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(cmd[0], cmd.slice(1), {
    cwd,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, ...env },
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}`, stdout: r.stdout };
}

type Services = Record<string, { build?: unknown; image?: string }>;
function mergedV2(dir: string, files: string[]): Services {
  const r = run(["docker", "compose", ...files.flatMap((f) => ["-f", f]), "config", "--format", "json"], dir);
  expect(r.code, r.out).toBe(0);
  return (JSON.parse(r.stdout) as { services: Services }).services;
}

function imageId(ref: string): string {
  return run(["docker", "image", "inspect", "--format", "{{.Id}}", ref], "/").stdout.trim();
}

interface StatusJson {
  services: { name: string; state: string; reason: string }[];
}

describe.skipIf(!engineAvailable())("split build: across compose files (#12.1)", () => {
  it("pins every file that contributes build:, compose builds nothing, restore is byte-identical", () => {
    const { dir, env } = fixture("bake/split-build");
    const files = ["compose.yaml", "compose.override.yaml"];
    const originals = files.map((f) => readFileSync(path.join(dir, f), "utf8"));

    const baked = runKiln(["bake", "--json", "--project-dir", dir], { env });
    expect(baked.code, baked.stderr).toBe(0);
    const ref = (JSON.parse(baked.stdout) as { services: { name: string; image: string }[] }).services.find(
      (s) => s.name === "app",
    )!.image;
    images.add(ref);
    // both files were edited
    files.forEach((f, i) => expect(readFileSync(path.join(dir, f), "utf8")).not.toBe(originals[i]));

    const merged = mergedV2(dir, files);
    expect(merged.app.build).toBeUndefined();
    expect(merged.app.image).toBe(ref);
    const v1 = run(["docker-compose", "config"], dir);
    expect(v1.code, v1.out).toBe(0);
    expect(v1.stdout).not.toMatch(/^\s+build:/m);
    expect(v1.stdout).toContain(ref);

    const st = runKiln(["status", "--json", "--project-dir", dir], { env });
    expect(st.code, st.stderr).toBe(0);
    expect((JSON.parse(st.stdout) as StatusJson).services, st.stdout).toMatchObject([
      { name: "app", state: "baked" },
    ]);

    // what `devcontainer up` runs first: it must build nothing, the pinned (dev) image stays
    const id = imageId(ref);
    const project = path.basename(dir).toLowerCase();
    const build = run(["docker", "compose", "-p", project, "build"], dir);
    expect(build.code, build.out).toBe(0);
    expect(imageId(ref)).toBe(id);
    const out = run(["docker", "compose", "-p", project, "run", "--rm", "app"], dir);
    expect(out.code, out.out).toBe(0);
    expect(out.stdout.trim()).toBe("dev");
    run(["docker", "compose", "-p", project, "down", "-t", "0", "--remove-orphans"], dir);

    const back = runKiln(["restore", "--project-dir", dir], { env });
    expect(back.code, back.stderr).toBe(0);
    files.forEach((f, i) => expect(readFileSync(path.join(dir, f), "utf8")).toBe(originals[i]));
  });

  it("a restore keeps edits made after the bake in every file", () => {
    const { dir, env } = fixture("bake/split-build");
    const files = ["compose.yaml", "compose.override.yaml"].map((f) => path.join(dir, f));
    const originals = files.map((f) => readFileSync(f, "utf8"));
    const baked = runKiln(["bake", "--project-dir", dir], { env });
    expect(baked.code, baked.stderr).toBe(0);
    for (const f of files) writeFileSync(f, `${readFileSync(f, "utf8")}# edited after the bake\n`);
    const back = runKiln(["restore", "--project-dir", dir], { env });
    expect(back.code, back.stderr).toBe(0);
    files.forEach((f, i) => expect(readFileSync(f, "utf8")).toBe(`${originals[i]}# edited after the bake\n`));
  });

  it("status is not baked once one of the files builds again (a half revert)", () => {
    const { dir, env } = fixture("bake/split-build");
    const override = path.join(dir, "compose.override.yaml");
    const original = readFileSync(override, "utf8");
    const baked = runKiln(["bake", "--project-dir", dir], { env });
    expect(baked.code, baked.stderr).toBe(0);
    writeFileSync(override, original); // e.g. `git checkout -- compose.override.yaml`
    expect(mergedV2(dir, ["compose.yaml", "compose.override.yaml"]).app.build).toBeDefined();
    const st = runKiln(["status", "--json", "--project-dir", dir], { env });
    expect(st.code, st.stderr).toBe(0);
    const app = (JSON.parse(st.stdout) as StatusJson).services.find((s) => s.name === "app")!;
    expect(app.state).not.toBe("baked");
    expect(app.reason).toContain("compose.override.yaml");
    const d = runKiln(["doctor", "--json", "--project-dir", dir], { env });
    const checks = (JSON.parse(d.stdout) as { checks: { id: string; status: string; hint?: string }[] })
      .checks;
    expect(
      checks.find((c) => c.id === "service.app"),
      d.stdout,
    ).toMatchObject({
      status: "warn",
      hint: expect.stringContaining("kiln bake app") as unknown,
    });
    // a bake pins it whole again
    const again = runKiln(["bake", "--project-dir", dir], { env });
    expect(again.code, again.stderr).toBe(0);
    expect(mergedV2(dir, ["compose.yaml", "compose.override.yaml"]).app.build).toBeUndefined();
    const st2 = runKiln(["status", "--json", "--project-dir", dir], { env });
    expect((JSON.parse(st2.stdout) as StatusJson).services, st2.stdout).toMatchObject([
      { name: "app", state: "baked" },
    ]);
  });

  it("killed between the two files of the pin: the next run completes it, never half a pin", () => {
    const { dir, env } = fixture("bake/split-build");
    const files = ["compose.yaml", "compose.override.yaml"];
    const originals = files.map((f) => readFileSync(path.join(dir, f), "utf8"));
    const killed = runKiln(["bake", "--project-dir", dir], { env: { ...env, KILN_FAULT: "between-files" } });
    expect(killed.code).not.toBe(0);
    const changed = files.map((f, i) => readFileSync(path.join(dir, f), "utf8") !== originals[i]);
    expect(changed).toEqual([true, false]); // died with one file replaced
    // half a commit on disk: status may fail to read it, but never says baked
    const st = runKiln(["status", "--json", "--project-dir", dir], { env });
    if (st.code === 0) expect((JSON.parse(st.stdout) as StatusJson).services[0]?.state).not.toBe("baked");

    const again = runKiln(["bake", "--project-dir", dir], { env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain("completed an interrupted change");
    expect(mergedV2(dir, files).app.build).toBeUndefined();
    const st2 = runKiln(["status", "--json", "--project-dir", dir], { env });
    expect((JSON.parse(st2.stdout) as StatusJson).services, st2.stdout).toMatchObject([
      { name: "app", state: "baked" },
    ]);
    const back = runKiln(["restore", "--project-dir", dir], { env });
    expect(back.code, back.stderr).toBe(0);
    files.forEach((f, i) => expect(readFileSync(path.join(dir, f), "utf8")).toBe(originals[i]));
  });

  it("a later file that sets image: for the service is refused in place, with a hint to --mode override", () => {
    const { dir, env } = fixture("bake/split-build");
    const override = path.join(dir, "compose.override.yaml");
    writeFileSync(override, "services:\n  app:\n    image: example/app:dev\n");
    const before = ["compose.yaml", "compose.override.yaml"].map((f) =>
      readFileSync(path.join(dir, f), "utf8"),
    );
    const r = runKiln(["bake", "--json", "--project-dir", dir], { env });
    expect(r.code).toBe(2);
    const body = JSON.parse(r.stdout) as { error: { code: string; hint: string } };
    expect(body.error.code).toBe("ERR_KILN_PIN_REFUSED");
    expect(body.error.hint).toContain("--mode override");
    ["compose.yaml", "compose.override.yaml"].forEach((f, i) =>
      expect(readFileSync(path.join(dir, f), "utf8")).toBe(before[i]),
    );
  });

  it("a two-entry devcontainer dockerComposeFile is pinned in both files", () => {
    const { dir, env } = fixture("bake/split-build-devcontainer");
    const files = [path.join(dir, "compose.yaml"), path.join(dir, ".devcontainer", "compose.dev.yaml")];
    const originals = files.map((f) => readFileSync(f, "utf8"));
    const baked = runKiln(["bake", "--json", "--devcontainer", "--project-dir", dir], { env });
    expect(baked.code, baked.stderr).toBe(0);
    const ref = (JSON.parse(baked.stdout) as { services: { name: string; image: string }[] }).services.find(
      (s) => s.name === "app",
    )!.image;
    images.add(ref);
    const merged = mergedV2(dir, files);
    expect(merged.app.build).toBeUndefined();
    expect(merged.app.image).toBe(ref);
    const st = runKiln(["status", "--json", "--devcontainer", "--project-dir", dir], { env });
    expect((JSON.parse(st.stdout) as StatusJson).services, st.stdout).toMatchObject([
      { name: "app", state: "baked" },
    ]);
    const back = runKiln(["restore", "--devcontainer", "--project-dir", dir], { env });
    expect(back.code, back.stderr).toBe(0);
    files.forEach((f, i) => expect(readFileSync(f, "utf8")).toBe(originals[i]));
  });
});
