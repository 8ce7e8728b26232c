/**
 * kiln rebuild (every layer again, cache mounts kept, effect persists) and Ctrl-C during a bake.
 */
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  engineAvailable,
  kilnBin,
  removeDir,
  runKiln,
  tempCopy,
  testLabel,
  makeContextUnique,
} from "../helpers/kiln.js";

interface BakeJson {
  services: { name: string; image: string; action: string; steps: { total: number; cached: number } }[];
}

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

function project(): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = tempCopy("bake/basic");
  dirs.push(dir, `${dir}.state`);
  const id = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  // a cache mount whose counter shows whether downloaded "packages" survive a rebuild
  writeFileSync(
    path.join(dir, "api", "Dockerfile"),
    [
      "FROM kiln-local/busybox:latest",
      `RUN --mount=type=cache,target=/cache,id=kiln-test-rebuild-${id} echo x >> /cache/count && wc -l < /cache/count > /count`,
      "COPY server.txt /srv/server.txt",
      "",
    ].join("\n"),
  );
  writeFileSync(path.join(dir, "api", ".test-id"), id);
  makeContextUnique(path.join(dir, "worker"), id);
  return { dir, env: { KILN_STATE_DIR: `${dir}.state`, KILN_LABELS: testLabel() } };
}

function imageId(ref: string): string {
  return spawnSync("docker", ["image", "inspect", "--format", "{{.Id}}", ref], {
    encoding: "utf8",
  }).stdout.trim();
}

function count(ref: string): number {
  const [k, v] = testLabel().split("=");
  return Number(
    spawnSync("docker", ["run", "--rm", "--label", `${k}=${v}`, ref, "cat", "/count"], {
      encoding: "utf8",
    }).stdout.trim(),
  );
}

describe.skipIf(!engineAvailable())("kiln rebuild", () => {
  it("rebuilds every layer, keeps cache mounts, pins again, and later bakes don't fall back", () => {
    const p = project();
    const first = runKiln(["bake", "api", "--json", "--project-dir", p.dir], { env: p.env });
    expect(first.code, first.stderr).toBe(0);
    const ref = (JSON.parse(first.stdout) as BakeJson).services.find((s) => s.name === "api")!.image;
    const before = imageId(ref);
    expect(count(ref)).toBe(1);

    const r = runKiln(["rebuild", "api", "--json", "--project-dir", p.dir], { env: p.env });
    expect(r.code, r.stderr).toBe(0);
    const api = (JSON.parse(r.stdout) as BakeJson).services.find((s) => s.name === "api")!;
    expect(api.action).toBe("built");
    expect(api.steps.cached).toBe(0);
    expect(api.image).toBe(ref); // same sources, same content address
    expect(imageId(ref)).not.toBe(before); // but a new image
    expect(count(ref)).toBe(2); // the cache mount kept its contents
    expect(readFileSync(path.join(p.dir, "docker-compose.yml"), "utf8")).toContain(`image: ${ref}`);

    // a later source change rebuilds on top of the rebuilt layers, not the pre-rebuild ones
    writeFileSync(path.join(p.dir, "api", "server.txt"), "api v3\n");
    const later = runKiln(["bake", "api", "--json", "--project-dir", p.dir], { env: p.env });
    expect(later.code, later.stderr).toBe(0);
    const after = (JSON.parse(later.stdout) as BakeJson).services.find((s) => s.name === "api")!;
    expect(after.steps).toEqual({ total: 2, cached: 1 });
    expect(count(after.image)).toBe(2);
  });
});

describe.skipIf(!engineAvailable())("Ctrl-C during a bake", () => {
  it("stops the builds, exits 130, and leaves the compose file as it was", async () => {
    const p = project();
    writeFileSync(
      path.join(p.dir, "worker", "Dockerfile"),
      "FROM kiln-local/busybox:latest AS runtime\nRUN sleep 60\n",
    );
    const file = path.join(p.dir, "docker-compose.yml");
    const original = readFileSync(file, "utf8");
    const child = spawn(process.execPath, [kilnBin, "bake", "--progress", "plain", "--project-dir", p.dir], {
      env: { ...process.env, ...p.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    const started = new Promise<void>((resolve) => {
      child.stderr.on("data", (c: Buffer) => {
        stderr += c.toString();
        if (stderr.includes("RUN sleep 60")) resolve();
      });
    });
    await started;
    const t0 = Date.now();
    child.kill("SIGINT");
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code).toBe(130);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(readFileSync(file, "utf8")).toBe(original);
    const ps = spawnSync("pgrep", ["-f", `${p.dir}/worker`], { encoding: "utf8" });
    expect(ps.stdout.trim()).toBe("");
  });
});
