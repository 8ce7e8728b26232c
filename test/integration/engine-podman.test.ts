/**
 * kiln on Podman (#18.1/#18.2), the real engine: Debian's podman 4.3 API service beside dockerd
 * (scripts/podman-engine.sh), DOCKER_HOST at its socket. Bake builds with `podman build`, pins,
 * a second bake builds nothing, status/restore/volumes ls read Podman through its compatible
 * API, a cache mount's counter grows across two builds, and `kiln up` starts the baked service
 * through docker compose on Podman's socket and through podman-compose. Nothing lands on dockerd.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bakeFixture, engineAvailable, removeDir, runKiln, testLabel } from "../helpers/kiln.js";
import { PODMAN_HOST, podman, podmanAvailable, sweepPodman } from "../helpers/podman.js";

interface BakeJson {
  services: {
    name: string;
    image: string;
    action: string;
    steps?: { total: number; cached: number; done: number };
  }[];
}

const dirs: string[] = [];
const projects: string[] = [];

afterAll(() => {
  for (const p of projects) {
    spawnSync("docker", ["compose", "-p", p, "down", "-t", "0", "--remove-orphans"], {
      env: { ...process.env, DOCKER_HOST: PODMAN_HOST },
      stdio: "ignore",
    });
    const ids = podman(["ps", "-aq", "--filter", `label=com.docker.compose.project=${p}`])
      .stdout.split("\n")
      .filter(Boolean);
    if (ids.length > 0) podman(["rm", "-f", ...ids]);
    podman(["network", "rm", "-f", `${p}_default`]);
  }
  sweepPodman(testLabel());
  dirs.forEach(removeDir);
}, 120_000);

function onPodman(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, DOCKER_HOST: PODMAN_HOST };
}

function app(stdout: string): BakeJson["services"][number] | undefined {
  return (JSON.parse(stdout) as BakeJson).services.find((s) => s.name === "app");
}

function countIn(ref: string): number {
  const r = podman(["run", "--rm", ref, "cat", "/count"]);
  expect(r.code, r.stderr).toBe(0);
  return Number(r.stdout.trim());
}

describe.skipIf(!engineAvailable() || !podmanAvailable())("kiln on Podman", () => {
  it("bake builds with podman build and pins; a second bake builds nothing; status, volumes ls, restore", () => {
    const { dir, env } = bakeFixture("engines/counter");
    dirs.push(dir, `${dir}.state`);
    const e = onPodman(env);
    const compose = path.join(dir, "compose.yaml");
    const original = readFileSync(compose, "utf8");

    const first = runKiln(["bake", "--json", "--project-dir", dir], { env: e });
    expect(first.code, first.stderr).toBe(0);
    const built = app(first.stdout);
    expect(built?.action).toBe("built");
    // Buildah's steps came through as step events: RUN and COPY (executed, or cached when an
    // earlier run built the same layers: COPY's key is hello.txt alone)
    expect(built?.steps?.total).toBe(2);
    const ref = built?.image ?? "";
    expect(ref).toMatch(/^kiln\.invalid\/.+:kiln-[0-9a-f]{12}$/);
    expect(podman(["image", "exists", ref]).code).toBe(0);
    expect(spawnSync("docker", ["image", "inspect", ref], { stdio: "ignore" }).status).not.toBe(0);
    expect(readFileSync(compose, "utf8")).toContain(`image: ${ref}`);

    const second = runKiln(["bake", "--json", "--project-dir", dir], { env: e });
    expect(second.code, second.stderr).toBe(0);
    expect(app(second.stdout)?.action).toBe("skipped");

    const status = runKiln(["status", "--json", "--project-dir", dir], { env: e });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain('"baked"');

    const volumes = runKiln(["volumes", "ls", "--json", "--project-dir", dir], { env: e });
    expect(volumes.code, volumes.stderr).toBe(0);
    expect(() => JSON.parse(volumes.stdout) as unknown).not.toThrow();

    const restore = runKiln(["restore", "--project-dir", dir], { env: e });
    expect(restore.code, restore.stderr).toBe(0);
    expect(readFileSync(compose, "utf8")).toBe(original);
    const after = runKiln(["status", "--json", "--project-dir", dir], { env: e });
    expect(after.stdout).toContain('"unbaked"');

    const doctor = runKiln(["doctor", "--project-dir", dir], { env: e });
    expect(doctor.stdout + doctor.stderr).toContain("engine.version: Podman 4.3");
  });

  it("a cache mount is reused across two podman builds: the counter kept in it grows", () => {
    const { dir, env } = bakeFixture("engines/counter");
    dirs.push(dir, `${dir}.state`);
    const e = onPodman(env);
    const bake = runKiln(["bake", "--json", "--project-dir", dir], { env: e });
    expect(bake.code, bake.stderr).toBe(0);
    const ref = app(bake.stdout)?.image ?? "";
    // rebuild from scratch: every layer again (a fresh nonce), cache mounts kept — twice
    const counts: number[] = [];
    for (let i = 0; i < 2; i++) {
      const rebuild = runKiln(["rebuild", "--json", "--project-dir", dir], { env: e });
      expect(rebuild.code, rebuild.stderr).toBe(0);
      expect(app(rebuild.stdout)?.steps?.cached).toBe(0);
      counts.push(countIn(ref));
    }
    expect(counts[1]).toBe((counts[0] ?? 0) + 1);
    // the mount lives on the Podman host, where Buildah keeps cache mounts
    expect(
      Number(readFileSync("/var/tmp/buildah-cache/kiln-engines-counter/n", "utf8").trim()),
    ).toBeGreaterThanOrEqual(counts[1] ?? 0);
  });

  it("kiln up starts the baked service through docker compose on Podman's socket, and through podman-compose", () => {
    const { dir, env } = bakeFixture("engines/counter");
    dirs.push(dir, `${dir}.state`);
    const e = onPodman(env);
    const name = path.basename(dir).toLowerCase();
    projects.push(name);
    const up = runKiln(["up", "--json", "--project-dir", dir], { env: e });
    expect(up.code, up.stderr).toBe(0);
    expect(JSON.parse(up.stdout)).toMatchObject({ compose: "v2", started: ["app"] });
    const viaV2 = podman([
      "ps",
      "-a",
      "--filter",
      `label=com.docker.compose.project=${name}`,
      "--format",
      "{{.Image}}",
    ]);
    expect(viaV2.stdout).toContain("kiln.invalid/");
    spawnSync("docker", ["compose", "-p", name, "down", "-t", "0"], {
      env: { ...process.env, ...e },
      stdio: "ignore",
    });

    const pc = runKiln(["up", "--json", "--project-dir", dir], {
      env: { ...e, KILN_COMPOSE: "podman-compose" },
    });
    expect(pc.code, pc.stderr).toBe(0);
    expect(JSON.parse(pc.stdout)).toMatchObject({ started: ["app"] });
    const viaPc = podman(["ps", "-a", "--filter", `name=${name}_app_1`, "--format", "{{.Image}}"]);
    expect(viaPc.stdout).toContain("kiln.invalid/");
    expect(podman(["logs", `${name}_app_1`]).stdout.trim()).toMatch(/^\d+$/);
  });

  it("refusals on Podman: a Dockerfile Buildah 1.28 would hang on, --purge-caches, a buildx builder — each before any build", () => {
    const { dir, env } = bakeFixture("engines/counter");
    dirs.push(dir, `${dir}.state`);
    const e = onPodman(env);
    const dockerfile = path.join(dir, "app", "Dockerfile");
    writeFileSync(
      dockerfile,
      readFileSync(dockerfile, "utf8").replace(
        "COPY hello.txt /hello.txt",
        // sharing=$MODE: kiln cannot build a copy with one locked mount per RUN (#18)
        "ARG MODE=locked\n" +
          "RUN --mount=type=cache,target=/a,sharing=$MODE --mount=type=cache,target=/b,sharing=locked true\n" +
          "RUN --mount=type=cache,target=/a,sharing=locked true\nCOPY hello.txt /hello.txt",
      ),
    );
    const hang = runKiln(["bake", "--json", "--project-dir", dir], { env: e });
    expect(hang.code).toBe(1);
    const failed = app(hang.stdout) as { action: string; reason?: string } | undefined;
    expect(failed?.action).toBe("failed");
    expect(failed?.reason).toContain("the cache mount /a stays locked");
    expect(failed?.reason).toContain("Dockerfile:8");

    const purge = runKiln(["bake", "--purge-caches", "--json", "--project-dir", dir], { env: e });
    expect(purge.code).toBe(3);
    const p = (JSON.parse(purge.stdout) as { error: { code: string; hint?: string } }).error;
    expect(p.code).toBe("ERR_KILN_ENGINE_UNSUPPORTED");
    expect(p.hint).toContain("rm -rf /var/tmp/buildah-cache/kiln-engines-counter");

    const builder = runKiln(["bake", "--builder", "default", "--json", "--project-dir", dir], { env: e });
    expect(builder.code).toBe(3);
    const b = (JSON.parse(builder.stdout) as { error: { code: string; hint?: string } }).error;
    expect(b.code).toBe("ERR_KILN_BUILDER");
    expect(b.hint).toContain("drop --builder");
  });
});
