/** Client detection with a fake process runner (adapter unit test; the real engine path is in integration). */
import { describe, expect, it } from "vitest";
import { detectClient } from "../../../src/adapters/engine/client.js";
import { detectCompose } from "../../../src/adapters/engine/compose-cli.js";
import type { ProcessRunner, RunResult } from "../../../src/adapters/process-runner.js";

function fake(table: Record<string, { code: number; stdout?: string }>): {
  runner: ProcessRunner;
  calls: string[][];
} {
  const calls: string[][] = [];
  const runner: ProcessRunner = async (args) => {
    calls.push([...args]);
    const hit = table[args.join(" ")];
    const r: RunResult = {
      args,
      exitCode: hit?.code ?? 127,
      stdout: hit?.stdout ?? "",
      stderr: "",
      durationMs: 1,
    };
    return r;
  };
  return { runner, calls };
}

const v = (version: string): string => JSON.stringify({ Version: version });

describe("detectClient", () => {
  it("prefers the buildx plugin", async () => {
    const { runner } = fake({
      "/a/docker version --format {{json .Client}}": { code: 0, stdout: v("28.2.2") },
      "/a/docker buildx version": { code: 0, stdout: "github.com/docker/buildx 0.13.1+ds1 0.13.1+ds1-3" },
    });
    const c = await detectClient({ env: { KILN_DOCKER: "/a/docker" }, runner });
    expect(c).toMatchObject({ path: "/a/docker", mode: "buildx", buildxVersion: "0.13.1+ds1" });
  });

  it("uses a ≤22 client in legacy mode with DOCKER_BUILDKIT=1", async () => {
    const { runner } = fake({
      "/b/docker version --format {{json .Client}}": { code: 1, stdout: v("20.10.24+dfsg1") },
    });
    const c = await detectClient({ env: { KILN_DOCKER: "/b/docker" }, runner });
    expect(c.mode).toBe("legacy");
    expect(c.env.DOCKER_BUILDKIT).toBe("1");
  });

  it("refuses a new client without buildx, with the exact hint", async () => {
    const { runner } = fake({
      "/c/docker version --format {{json .Client}}": { code: 0, stdout: v("28.2.2") },
    });
    await expect(detectClient({ env: { KILN_DOCKER: "/c/docker" }, runner })).rejects.toMatchObject({
      code: "ERR_KILN_NO_BUILDKIT",
      exitCode: 3,
      hint: expect.stringContaining("KILN_DOCKER=/usr/bin/docker") as unknown,
    });
  });

  it("passes --context to every call", async () => {
    const { runner } = fake({
      "/a/docker version --format {{json .Client}}": { code: 0, stdout: v("28.2.2") },
      "/a/docker buildx version": { code: 0, stdout: "github.com/docker/buildx v0.20.0 abc" },
    });
    const c = await detectClient({ env: { KILN_DOCKER: "/a/docker" }, runner, context: "remote" });
    expect(c.argv).toEqual(["/a/docker", "--context", "remote"]);
  });
});

describe("detectCompose", () => {
  it("finds the v2 plugin first, else docker-compose v1 with BuildKit env", async () => {
    const v2 = fake({ "docker compose version --short": { code: 0, stdout: "2.26.1\n" } });
    expect(await detectCompose({ env: {}, runner: v2.runner })).toMatchObject({
      variant: "v2",
      argv: ["docker", "compose"],
    });
    const v1 = fake({ "docker-compose version --short": { code: 0, stdout: "1.29.2\n" } });
    const c = await detectCompose({ env: {}, runner: v1.runner });
    expect(c).toMatchObject({ variant: "v1", argv: ["docker-compose"] });
    expect(c?.env).toMatchObject({ DOCKER_BUILDKIT: "1", COMPOSE_DOCKER_CLI_BUILD: "1" });
    expect(await detectCompose({ env: {}, runner: fake({}).runner })).toBeUndefined();
  });
});

describe("dockerClient with a selected builder", () => {
  it("refuses --builder / BUILDX_BUILDER on a legacy (no buildx) client", async () => {
    const { dockerClient } = await import("../../../src/adapters/engine/client.js");
    const { runner } = fake({
      "/l/docker version --format {{json .Client}}": { code: 0, stdout: v("20.10.24+dfsg1") },
    });
    await expect(
      dockerClient({ env: { KILN_DOCKER: "/l/docker", BUILDX_BUILDER: "pool" }, runner }),
    ).rejects.toMatchObject({
      code: "ERR_KILN_BUILDER",
      exitCode: 3,
      hint: expect.stringContaining("docker-buildx") as unknown,
    });
  });

  it("inspects the builder and attaches it", async () => {
    const { dockerClient } = await import("../../../src/adapters/engine/client.js");
    const { runner, calls } = fake({
      "/m/docker version --format {{json .Client}}": { code: 0, stdout: v("28.2.2") },
      "/m/docker buildx version": { code: 0, stdout: "github.com/docker/buildx 0.13.1" },
      "/m/docker buildx inspect other": {
        code: 0,
        stdout: "Name: other\nDriver: docker\n\nNodes:\nName: other\nEndpoint: other\nStatus: running\n",
      },
    });
    const c = await dockerClient({ env: { KILN_DOCKER: "/m/docker", BUILDX_BUILDER: "other" }, runner });
    expect(c.builder).toMatchObject({ name: "other", driver: "docker" });
    expect(calls).toContainEqual(["/m/docker", "buildx", "inspect", "other"]);
  });
});
