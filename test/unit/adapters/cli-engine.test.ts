/** The CLI engine adapter (for ssh:// and TLS endpoints) with a fake process runner. */
import { describe, expect, it } from "vitest";
import { CliEngine } from "../../../src/adapters/engine/cli-engine.js";
import { resolveEndpoint, directAddress } from "../../../src/adapters/engine/endpoint.js";
import type { ProcessRunner } from "../../../src/adapters/process-runner.js";

function fake(table: Record<string, { code?: number; stdout?: string; stderr?: string }>): {
  run: ProcessRunner;
  calls: string[];
} {
  const calls: string[] = [];
  const run: ProcessRunner = async (args, options) => {
    const key = args.join(" ");
    calls.push(key);
    const hit = table[key];
    const exitCode = hit?.code ?? (hit ? 0 : 1);
    if (exitCode !== 0 && !options?.allowFailure) throw new Error(`unexpected failure: ${key}`);
    return { args, exitCode, stdout: hit?.stdout ?? "", stderr: hit?.stderr ?? "", durationMs: 1 };
  };
  return { run, calls };
}

describe("CliEngine", () => {
  it("inspects an image through inspect JSON and maps a missing one to undefined", async () => {
    const { run } = fake({
      "docker --context r image inspect --format {{json .}} app:1": {
        stdout: JSON.stringify({
          Id: "sha256:abc",
          RepoTags: ["app:1"],
          Config: { Labels: { "kiln.fingerprint": "f" } },
          Created: "2026-01-01",
          Size: 42,
        }),
      },
    });
    const e = new CliEngine(["docker", "--context", "r"], run, "ssh://host");
    expect(await e.imageInspect("app:1")).toEqual({
      id: "sha256:abc",
      repoTags: ["app:1"],
      labels: { "kiln.fingerprint": "f" },
      created: "2026-01-01",
      size: 42,
    });
    expect(await e.imageInspect("missing:1")).toBeUndefined();
  });

  it("lists volumes from --format json lines, labels parsed", async () => {
    const { run, calls } = fake({
      "docker volume ls --format {{json .}} --filter label=kiln.managed=true": {
        stdout: `${JSON.stringify({ Name: "pip", Driver: "local", Labels: "kiln.managed=true,kiln.purpose=pip" })}\n`,
      },
    });
    const e = new CliEngine(["docker"], run, "ssh://host");
    expect(await e.listVolumes(["kiln.managed=true"])).toEqual([
      {
        name: "pip",
        driver: "local",
        mountpoint: "",
        labels: { "kiln.managed": "true", "kiln.purpose": "pip" },
      },
    ]);
    expect(calls).toHaveLength(1);
  });

  it("says a volume in use is in use", async () => {
    const { run } = fake({ "docker volume rm v": { code: 1, stderr: "Error: volume is in use - [abc]" } });
    await expect(new CliEngine(["docker"], run, "ssh://h").removeVolume("v")).rejects.toMatchObject({
      code: "ERR_KILN_VOLUME",
    });
  });
});

describe("resolveEndpoint", () => {
  it("DOCKER_HOST wins; unix and tcp are spoken to directly, ssh goes through the CLI", () => {
    expect(resolveEndpoint({ DOCKER_HOST: "tcp://10.0.0.1:2375" })).toMatchObject({
      host: "tcp://10.0.0.1:2375",
      source: "DOCKER_HOST",
    });
    expect(directAddress({ host: "unix:///run/x.sock", source: "", tls: false })).toEqual({
      socketPath: "/run/x.sock",
    });
    expect(directAddress({ host: "tcp://h:2375", source: "", tls: false })).toEqual({
      host: "h",
      port: 2375,
    });
    expect(directAddress({ host: "ssh://me@h", source: "", tls: false })).toBeUndefined();
  });

  it("a context that does not exist is an engine error with a hint", () => {
    expect(() => resolveEndpoint({ HOME: "/nonexistent", DOCKER_CONFIG: "/nonexistent" }, "nope")).toThrow(
      /does not exist/,
    );
  });
});
