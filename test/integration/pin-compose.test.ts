/**
 * What real compose makes of kiln's pins: v2 and v1 accept a pinned file and resolve it to the
 * original model minus build plus image; the override file works under v2 and is rejected by v1
 * (hence the refusal there); a pinned reference whose image is missing fails fast and never
 * asks Docker Hub; a present one starts without a build.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { overrideText } from "../../src/core/pin/override-text.js";
import { pinService } from "../../src/core/pin/pin-text.js";
import { engineAvailable, fixturesDir, removeDir, tempCopy, testLabel } from "../helpers/kiln.js";

const nasty = fs.readFileSync(path.join(fixturesDir, "pin", "nasty.yml"), "utf8");
const buildable = ["web", "api", "shared", "merged", "flowy", "flowy2"];
const fp = Date.now().toString(16).slice(-12).padStart(12, "0");
const ref = (s: string) => `kiln.invalid/kilnpin-${s}:kiln-${fp}`;

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) removeDir(d);
});

function project(text: string): string {
  const dir = tempCopy();
  dirs.push(dir);
  for (const c of ["web", "api", "shared", "flowy", "f2"]) fs.mkdirSync(path.join(dir, c));
  fs.writeFileSync(path.join(dir, "compose.yml"), text);
  return dir;
}

function run(cmd: string[], cwd: string) {
  const started = Date.now();
  const r = spawnSync(cmd[0], cmd.slice(1), { cwd, encoding: "utf8", timeout: 120_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}`, stdout: r.stdout, ms: Date.now() - started };
}

type Services = Record<string, Record<string, unknown>>;
const v2config = (dir: string, ...files: string[]) => {
  const f = files.length ? files.flatMap((x) => ["-f", x]) : [];
  const r = run(["docker", "compose", ...f, "config", "--format", "json"], dir);
  expect(r.code, r.out).toBe(0);
  return (JSON.parse(r.stdout) as { services: Services }).services;
};

function pinAll(text: string): string {
  for (const s of buildable) text = pinService(text, s, ref(s)).text;
  return text;
}

describe("compose v2 and v1 read pinned files", () => {
  it("v2 resolves a pinned file to the original minus build plus image", () => {
    const before = v2config(project(nasty));
    const after = v2config(project(pinAll(nasty)));
    for (const s of buildable) {
      const rest = { ...before[s] };
      delete rest.build;
      delete rest.image;
      const { image, ...restAfter } = after[s];
      expect(image).toBe(ref(s));
      expect(restAfter).toEqual(rest);
    }
    expect(after.db).toEqual(before.db);
  });

  it("v1 (docker-compose 1.29) accepts the pinned file", () => {
    const dir = project(pinAll(nasty));
    const r = run(["docker-compose", "config"], dir);
    expect(r.code, r.out).toBe(0);
    expect(r.stdout).toContain(`image: ${ref("web")}`);
    expect(r.stdout).not.toMatch(/^\s+build:/m);
  });

  it("the override file drops build under v2 and is rejected by v1", () => {
    const dir = project(nasty);
    fs.writeFileSync(
      path.join(dir, "compose.kiln.yml"),
      overrideText([{ service: "web", imageRef: ref("web") }]),
    );
    const services = v2config(dir, "compose.yml", "compose.kiln.yml");
    expect(services.web.build).toBeUndefined();
    expect(services.web.image).toBe(ref("web"));
    expect(services.api.build).toBeDefined();
    const v1 = run(["docker-compose", "-f", "compose.yml", "-f", "compose.kiln.yml", "config"], dir);
    expect(v1.code).not.toBe(0);
  });
});

describe.skipIf(!engineAvailable())("pinned references on the real engine", () => {
  const compose = (image: string, label: string) =>
    `services:\n  app:\n    image: ${image}\n    init: true\n    labels: ["${label}"]\n`;

  it("a missing pinned image fails fast without asking Docker Hub (v2 and v1)", () => {
    const dir = project(compose(ref("missing"), testLabel()));
    for (const cmd of [
      ["docker", "compose", "-p", `kilnpin${fp}`, "up", "--no-start"],
      ["docker-compose", "-p", `kilnpin${fp}`, "up", "--no-start"],
    ]) {
      const r = run(cmd, dir);
      expect(r.code, r.out).not.toBe(0);
      expect(r.out).toContain("kiln.invalid");
      expect(r.out).not.toContain("docker.io");
      expect(r.ms).toBeLessThan(15_000);
      run(["docker", "compose", "-p", `kilnpin${fp}`, "down"], dir);
    }
  });

  it("a present pinned image starts without any build (v2 and v1)", () => {
    const image = ref("present");
    const dir = project(compose(image, testLabel()));
    fs.writeFileSync(path.join(dir, "Dockerfile"), 'FROM kiln-local/busybox:latest\nCMD ["sleep", "1"]\n');
    const b = run(["docker", "build", "-q", "--label", testLabel(), "-t", image, "."], dir);
    expect(b.code, b.out).toBe(0);
    try {
      for (const cli of [["docker", "compose"], ["docker-compose"]]) {
        const up = run([...cli, "-p", `kilnpin${fp}`, "up", "--no-start"], dir);
        expect(up.code, up.out).toBe(0);
        expect(up.out).not.toMatch(/Building|Pulling/);
        const ps = run(
          ["docker", "ps", "-a", "--filter", `label=${testLabel()}`, "--format", "{{.Image}}"],
          dir,
        );
        expect(ps.stdout.trim().split("\n")).toContain(image);
        run([...cli, "-p", `kilnpin${fp}`, "down", "-t", "0"], dir);
      }
    } finally {
      run(["docker", "image", "rm", "-f", image], dir);
    }
  });
});
