/**
 * bin/kiln as a black box: version, help, doctor against the real engine, and the documented
 * exit codes when the engine or a BuildKit-capable client is missing.
 */
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { spawn, spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { COMMAND_NAMES } from "../../src/cli/commands.js";
import { engineAvailable, kilnBin, runKiln } from "../helpers/kiln.js";

const tmp: string[] = [];
afterAll(() => tmp.forEach((d) => rmSync(d, { recursive: true, force: true })));

interface Check {
  id: string;
  status: string;
  message: string;
  hint?: string;
}

describe("kiln CLI basics", () => {
  it("--version prints the package version", () => {
    const r = runKiln(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("--help lists the commands and global options", () => {
    const r = runKiln(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("doctor");
    expect(r.stdout).toContain("--project-dir");
  });

  it("help into a reader that has gone away ends quietly (no EPIPE stack trace)", async () => {
    // the reader closes before kiln writes (`kiln bake --help | head -0`)
    const child = spawn(process.execPath, [kilnBin, "bake", "--help"], { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.destroy();
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(stderr).toBe("");
    expect(code).toBe(0);
  });

  it("the completion script bin/kiln writes names every command", () => {
    // a run registers only the command it invokes, except `completion`, whose script needs them all
    const r = runKiln(["completion", "bash"]);
    expect(r.code).toBe(0);
    const missing = COMMAND_NAMES.filter((name) => !new RegExp(`\\b${name}\\b`).test(r.stdout));
    expect(missing).toEqual([]);
  });

  it("an unknown command is a usage error (exit 2), as JSON with --json", () => {
    const r = runKiln(["frobnicate", "--json"]);
    expect(r.code).toBe(2);
    const body = JSON.parse(r.stdout) as { ok: boolean; error: { code: string } };
    expect(body).toMatchObject({ ok: false, error: { code: "ERR_KILN_USAGE" } });
  });

  it.skipIf(!engineAvailable())("doctor --json reports the engine checks", () => {
    const r = runKiln(["doctor", "--json"]);
    const body = JSON.parse(r.stdout) as { checks: Check[] };
    const ids = body.checks.map((c) => c.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        "engine.reachable",
        "engine.version",
        "client.buildkit",
        "compose.variant",
        "engine.disk",
      ]),
    );
    expect(body.checks.find((c) => c.id === "engine.reachable")?.status).toBe("ok");
    expect(r.code).toBe(0);
  });

  it("doctor with DOCKER_HOST pointing nowhere exits 3 with a hint", () => {
    const r = runKiln(["doctor", "--json"], { env: { DOCKER_HOST: "unix:///nonexistent/docker.sock" } });
    expect(r.code).toBe(3);
    const body = JSON.parse(r.stdout) as { checks: Check[] };
    const reach = body.checks.find((c) => c.id === "engine.reachable");
    expect(reach).toMatchObject({ status: "fail", hint: expect.stringContaining("DOCKER_HOST") as unknown });
  });
});

describe.skipIf(!engineAvailable())("docker contexts", () => {
  it("--context and DOCKER_CONTEXT select the engine the way the docker CLI does", () => {
    const config = mkdtempSync(path.join(os.tmpdir(), "kiln-dockerconfig-"));
    tmp.push(config);
    const made = spawnSync(
      "docker",
      ["context", "create", "kiln-ctx", "--docker", "host=unix:///var/run/docker.sock"],
      {
        env: { ...process.env, DOCKER_CONFIG: config },
        encoding: "utf8",
      },
    );
    expect(made.status, made.stderr).toBe(0);
    const viaFlag = runKiln(["doctor", "--json", "--context", "kiln-ctx"], {
      env: { DOCKER_CONFIG: config },
    });
    const reach = (JSON.parse(viaFlag.stdout) as { checks: Check[] }).checks.find(
      (c) => c.id === "engine.reachable",
    );
    expect(reach?.status).toBe("ok");
    expect(reach?.message).toContain("context kiln-ctx");
    const missing = runKiln(["doctor", "--json"], {
      env: { DOCKER_CONFIG: config, DOCKER_CONTEXT: "no-such-context" },
    });
    expect(missing.code).toBe(3);
    expect((JSON.parse(missing.stdout) as { checks: Check[] }).checks[0]).toMatchObject({
      id: "engine.reachable",
      status: "fail",
    });
  });
});

/**
 * "Plugins removed": a private mount namespace hides the CLI plugin folder, so the Docker 28
 * client really has no buildx. kiln must then find Debian's 20.10 client (legacy BuildKit), or —
 * when pinned to the new client — say exactly how to get one.
 */
const canUnshare =
  engineAvailable() && process.getuid?.() === 0 && spawnSync("unshare", ["--mount", "true"]).status === 0;

describe.skipIf(!canUnshare)("without the buildx plugin", () => {
  function kilnWithoutPlugins(
    args: string[],
    env: Record<string, string>,
  ): { code: number; stdout: string; stderr: string } {
    const empty = mkdtempSync(path.join(os.tmpdir(), "kiln-noplugins-"));
    const bin = mkdtempSync(path.join(os.tmpdir(), "kiln-path-"));
    tmp.push(empty, bin);
    symlinkSync("/usr/local/bin/docker", path.join(bin, "docker"));
    const script = 'mount --bind "$1" /usr/local/lib/docker/cli-plugins && shift && exec "$@"';
    const r = spawnSync(
      "unshare",
      [
        "--mount",
        "--propagation",
        "private",
        "sh",
        "-c",
        script,
        "sh",
        empty,
        process.execPath,
        kilnBin,
        ...args,
      ],
      {
        encoding: "utf8",
        env: { ...process.env, PATH: `${bin}:/usr/sbin:/usr/bin:/sbin:/bin`, NO_COLOR: "1", ...env },
      },
    );
    return { code: r.status ?? 128, stdout: r.stdout, stderr: r.stderr };
  }

  it("falls back to the legacy 20.10 client found on the system", () => {
    const r = kilnWithoutPlugins(["doctor", "--json"], {});
    const body = JSON.parse(r.stdout) as { checks: Check[] };
    const bk = body.checks.find((c) => c.id === "client.buildkit");
    expect(bk?.status).toBe("ok");
    expect(bk?.message).toContain("/usr/bin/docker");
    expect(bk?.message).toContain("legacy BuildKit");
  });

  it("pinned to the buildx-less new client, says how to get BuildKit (exit 1, fail check)", () => {
    const r = kilnWithoutPlugins(["doctor", "--json"], { KILN_DOCKER: "/usr/local/bin/docker" });
    const body = JSON.parse(r.stdout) as { checks: Check[] };
    const bk = body.checks.find((c) => c.id === "client.buildkit");
    expect(bk).toMatchObject({ status: "fail", hint: expect.stringContaining("buildx") as unknown });
    expect(bk?.hint).toContain("KILN_DOCKER=/usr/bin/docker");
    expect(r.code).toBe(1);
  });
});
