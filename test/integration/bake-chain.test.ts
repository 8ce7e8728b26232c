/**
 * A service built FROM another service's image: built after it, and stale when it changes.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { engineAvailable, removeDir, runKiln, tempCopy, testLabel } from "../helpers/kiln.js";

const dirs: string[] = [];
const images: string[] = [];
afterAll(() => {
  dirs.forEach(removeDir);
  for (const i of images) spawnSync("docker", ["image", "rm", "-f", i]);
});

interface Target {
  service: string;
  action: string;
  reason: string;
}

describe.skipIf(!engineAvailable())("services built FROM another service", () => {
  it("builds in dependency order and rebuilds the dependent when the base changes", () => {
    const dir = tempCopy("bake/chain");
    dirs.push(dir, `${dir}.state`);
    const baseImage = `kiln-test/chain-base-${process.pid}-${Date.now()}`;
    images.push(`${baseImage}:latest`);
    const env = { KILN_STATE_DIR: `${dir}.state`, KILN_LABELS: testLabel(), BASE_IMAGE: baseImage };
    const dry = runKiln(["bake", "--dry-run", "--json", "--project-dir", dir], { env });
    expect(dry.code, dry.stderr).toBe(0);
    const plan = (JSON.parse(dry.stdout) as { plan: { levels: string[][]; targets: Target[] } }).plan;
    expect(plan.levels).toEqual([["base"], ["app"]]);

    const first = runKiln(["bake", "--json", "--project-dir", dir], { env });
    expect(first.code, first.stderr).toBe(0);
    const app = (JSON.parse(first.stdout) as { services: { name: string; image: string }[] }).services.find(
      (s) => s.name === "app",
    )!;
    const [k, v] = testLabel().split("=");
    expect(
      spawnSync("docker", ["run", "--rm", "--label", `${k}=${v}`, app.image, "cat", "/base.txt"], {
        encoding: "utf8",
      }).stdout,
    ).toBe("base v1\n");

    writeFileSync(path.join(dir, "base", "base.txt"), "base v2\n");
    const after = runKiln(["bake", "--dry-run", "--json", "--project-dir", dir], { env });
    const targets = (JSON.parse(after.stdout) as { plan: { targets: Target[] } }).plan.targets;
    expect(targets.find((t) => t.service === "base")).toMatchObject({
      action: "build",
      reason: "build: sources changed (base.txt)",
    });
    expect(targets.find((t) => t.service === "app")?.action).toBe("build");

    const second = runKiln(["bake", "--json", "--project-dir", dir], { env });
    expect(second.code, second.stderr).toBe(0);
    const app2 = (JSON.parse(second.stdout) as { services: { name: string; image: string }[] }).services.find(
      (s) => s.name === "app",
    )!;
    expect(
      spawnSync("docker", ["run", "--rm", "--label", `${k}=${v}`, app2.image, "cat", "/base.txt"], {
        encoding: "utf8",
      }).stdout,
    ).toBe("base v2\n");
  });
});
