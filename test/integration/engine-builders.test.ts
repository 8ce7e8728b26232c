/**
 * buildx builder selection (#18.3) against real builders: a docker-driver builder that is a
 * second engine's docker context (`--builder` builds and loads there, the first engine is
 * untouched, a second bake builds nothing), docker-container builders whose BuildKit image is
 * missing (refused before any build, fresh services still skipped), cache mounts out of reach,
 * an unknown builder. Builders and contexts live in a temp DOCKER_CONFIG: nothing leaks into
 * the machine's own buildx state.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bakeFixture, engineAvailable, removeDir, runKiln, tempCopy } from "../helpers/kiln.js";
import { startSecondEngine, type SecondEngine } from "../helpers/second-engine.js";

interface BakeJson {
  services: { name: string; image: string; action: string; reason: string }[];
}
interface ErrorJson {
  ok: false;
  error: { code: string; message: string; hint?: string };
}

const dirs: string[] = [];
let engineB: SecondEngine | undefined;
let dockerConfig = "";
const suffix = `${process.pid}-${Math.floor(Math.random() * 1e6)}`;
const contextB = `kiln-t-b-${suffix}`;
const missingBuilder = `kiln-t-dc-${suffix}`;
const localImageBuilder = `kiln-t-dcl-${suffix}`;

function docker(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync("docker", args, {
    encoding: "utf8",
    env: { ...process.env, DOCKER_CONFIG: dockerConfig },
  });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

function bakeJson(stdout: string): BakeJson {
  return JSON.parse(stdout) as BakeJson;
}

function errorJson(stdout: string): ErrorJson["error"] {
  return (JSON.parse(stdout) as ErrorJson).error;
}

afterAll(async () => {
  if (dockerConfig) {
    docker(["buildx", "rm", missingBuilder]);
    docker(["buildx", "rm", localImageBuilder]);
    docker(["context", "rm", "-f", contextB]);
  }
  await engineB?.stop();
  dirs.forEach(removeDir);
}, 60_000);

describe.skipIf(!engineAvailable())("buildx builders: --builder / BUILDX_BUILDER", () => {
  beforeAll(async () => {
    dockerConfig = mkdtempSync(path.join(os.tmpdir(), "kiln-dockercfg-"));
    dirs.push(dockerConfig);
    engineB = await startSecondEngine();
    engineB.loadFromFirst(["kiln-local/busybox:latest"]);
    const made = docker(["context", "create", contextB, "--docker", `host=${engineB.host}`]);
    expect(made.code, made.stderr).toBe(0);
    expect(docker(["buildx", "create", "--name", missingBuilder, "--driver", "docker-container"]).code).toBe(
      0,
    );
    const local = docker([
      "buildx",
      "create",
      "--name",
      localImageBuilder,
      "--driver",
      "docker-container",
      "--driver-opt",
      "image=kiln-local/busybox:latest",
    ]);
    expect(local.code, local.stderr).toBe(0);
  }, 120_000);

  it("--builder <second engine's docker driver> builds and loads there; the first engine is untouched; a second bake (BUILDX_BUILDER) builds nothing", () => {
    const { dir, env } = bakeFixture("engines/counter");
    dirs.push(dir, `${dir}.state`);
    const e = { ...env, DOCKER_CONFIG: dockerConfig };
    const first = runKiln(["bake", "--builder", contextB, "--json", "--project-dir", dir], { env: e });
    expect(first.code, first.stderr).toBe(0);
    const app = bakeJson(first.stdout).services.find((s) => s.name === "app");
    expect(app?.action).toBe("built");
    const ref = app?.image ?? "";
    expect(engineB?.docker(["image", "inspect", ref]).code).toBe(0);
    expect(docker(["image", "inspect", ref]).code).not.toBe(0); // the first engine never saw it

    const second = runKiln(["bake", "--json", "--project-dir", dir], {
      env: { ...e, BUILDX_BUILDER: contextB },
    });
    expect(second.code, second.stderr).toBe(0);
    expect(bakeJson(second.stdout).services.find((s) => s.name === "app")?.action).toBe("skipped");

    const status = runKiln(["status", "--builder", contextB, "--json", "--project-dir", dir], { env: e });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain('"baked"');

    // cache mounts live in that builder: the bundle's helper build runs there and finds the counter
    const file = path.join(tempCopy(), "b.kiln");
    dirs.push(path.dirname(file));
    const ex = runKiln(
      ["bundle", "export", file, "--cache-mounts", "--builder", contextB, "--json", "--project-dir", dir],
      { env: e },
    );
    expect(ex.code, ex.stderr).toBe(0);
    const manifest = JSON.parse(ex.stdout) as {
      manifest?: { caches: { id: string }[] };
      caches?: { id: string }[];
    };
    const caches = manifest.manifest?.caches ?? manifest.caches ?? [];
    expect(caches.map((c) => c.id)).toContain("kiln-engines-counter");

    // a docker-driver builder of one engine with --context of another: refused, nothing built
    const clash = runKiln(
      ["bake", "--builder", contextB, "--context", "default", "--json", "--project-dir", dir],
      { env: e },
    );
    expect(clash.code).toBe(2);
    expect(errorJson(clash.stdout)).toMatchObject({ code: "ERR_KILN_USAGE" });
    expect(errorJson(clash.stdout).hint).toContain("drop --context");
  });

  it("a docker-container builder whose BuildKit image is missing: fresh services skipped without a build, a stale one refused naming the image", () => {
    const { dir, env } = bakeFixture("engines/counter");
    dirs.push(dir, `${dir}.state`);
    const e = { ...env, DOCKER_CONFIG: dockerConfig };
    expect(runKiln(["bake", "--project-dir", dir], { env: e }).code).toBe(0);

    const fresh = runKiln(["bake", "--builder", missingBuilder, "--json", "--project-dir", dir], { env: e });
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(bakeJson(fresh.stdout).services.find((s) => s.name === "app")?.action).toBe("skipped");

    writeFileSync(path.join(dir, "app", "hello.txt"), "changed\n");
    const stale = runKiln(["bake", "--builder", missingBuilder, "--json", "--project-dir", dir], { env: e });
    expect(stale.code).toBe(3);
    const err = errorJson(stale.stdout);
    expect(err.code).toBe("ERR_KILN_BUILDER_IMAGE_MISSING");
    expect(err.message).toContain("moby/buildkit:buildx-stable-1");
    expect(err.hint).toContain("docker load -i");
    expect(err.hint).toContain("--driver-opt image=");
    // buildx never started the builder: no BuildKit container exists for it
    expect(docker(["ps", "-aq", "--filter", `name=buildx_buildkit_${missingBuilder}`]).stdout.trim()).toBe(
      "",
    );
  });

  it("cache mounts in a builder that cannot read the engine's images: bundle --cache-mounts refused precisely; an unknown builder refused", () => {
    const { dir, env } = bakeFixture("engines/counter");
    dirs.push(dir, `${dir}.state`);
    const e = { ...env, DOCKER_CONFIG: dockerConfig };
    expect(runKiln(["bake", "--project-dir", dir], { env: e }).code).toBe(0);
    const file = path.join(tempCopy(), "c.kiln");
    dirs.push(path.dirname(file));
    const ex = runKiln(
      [
        "bundle",
        "export",
        file,
        "--cache-mounts",
        "--builder",
        localImageBuilder,
        "--json",
        "--project-dir",
        dir,
      ],
      { env: e },
    );
    expect(ex.code).toBe(1);
    const err = errorJson(ex.stdout);
    expect(err.code).toBe("ERR_KILN_BUNDLE");
    expect(err.message).toContain(`"${localImageBuilder}" (driver docker-container)`);
    expect(err.hint).toContain("without --cache-mounts");

    const unknown = runKiln(
      ["bake", "--builder", `kiln-t-nosuch-${suffix}`, "--json", "--project-dir", dir],
      {
        env: e,
      },
    );
    expect(unknown.code).toBe(3);
    expect(errorJson(unknown.stdout)).toMatchObject({ code: "ERR_KILN_BUILDER" });
    expect(errorJson(unknown.stdout).hint).toContain("docker buildx ls");
  });
});
