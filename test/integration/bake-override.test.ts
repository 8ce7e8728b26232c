/**
 * `kiln bake --mode override`: tracked files untouched; compose v2 reads the override file.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bakeFixture, engineAvailable, removeDir, runKiln, tempCopy, testLabel } from "../helpers/kiln.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

describe.skipIf(!engineAvailable())("bake --mode override", () => {
  it("writes the pins to kiln's override file, which compose v2 resolves; restore removes it", () => {
    const { dir, env } = bakeFixture("bake/basic");
    dirs.push(dir, `${dir}.state`);
    const file = path.join(dir, "docker-compose.yml");
    const original = readFileSync(file, "utf8");

    const r = runKiln(["bake", "--mode", "override", "--json", "--project-dir", dir], { env });
    expect(r.code, r.stderr).toBe(0);
    const body = JSON.parse(r.stdout) as {
      overrideFile: string;
      services: { name: string; image: string }[];
    };
    expect(readFileSync(file, "utf8")).toBe(original);
    expect(existsSync(body.overrideFile)).toBe(true);

    const cfg = spawnSync(
      "docker",
      ["compose", "-f", file, "-f", body.overrideFile, "config", "--format", "json"],
      { encoding: "utf8" },
    );
    expect(cfg.status, cfg.stderr).toBe(0);
    const services = (
      JSON.parse(cfg.stdout) as { services: Record<string, { image?: string; build?: unknown }> }
    ).services;
    expect(services.api?.build).toBeUndefined();
    expect(services.api?.image).toBe(body.services.find((s) => s.name === "api")?.image);

    const st = runKiln(["status", "--json", "--project-dir", dir], { env });
    expect(JSON.parse(st.stdout)).toMatchObject({
      services: [
        { name: "api", state: "baked" },
        { name: "worker", state: "baked" },
      ],
    });

    const back = runKiln(["restore", "--project-dir", dir], { env });
    expect(back.code, back.stderr).toBe(0);
    expect(existsSync(body.overrideFile)).toBe(false);
    expect(readFileSync(file, "utf8")).toBe(original);
  });

  it("kiln up starts the services from the override file's images", () => {
    const { dir, env } = bakeFixture("bake/basic");
    dirs.push(dir, `${dir}.state`);
    const baked = runKiln(["bake", "--mode", "override", "--json", "--project-dir", dir], { env });
    expect(baked.code, baked.stderr).toBe(0);
    const image = (JSON.parse(baked.stdout) as { services: { name: string; image: string }[] }).services.find(
      (s) => s.name === "api",
    )!.image;
    const project = path.basename(dir).toLowerCase();
    try {
      const up = runKiln(["up", "api", "--no-volumes", "--project-dir", dir], { env });
      expect(up.code, up.stderr).toBe(0);
      const ids = spawnSync(
        "docker",
        [
          "ps",
          "-a",
          "--filter",
          `label=com.docker.compose.project=${project}`,
          "--filter",
          "label=com.docker.compose.service=api",
          "--format",
          "{{.Image}}",
        ],
        { encoding: "utf8" },
      );
      expect(ids.stdout.trim()).toBe(image);
    } finally {
      spawnSync("docker", ["compose", "-p", project, "down", "-t", "0", "--remove-orphans"], {
        stdio: "ignore",
      });
    }
  });

  it("is refused under compose v1, which cannot read !reset (exit 2, nothing built)", () => {
    const dir = tempCopy("bake/basic");
    dirs.push(dir, `${dir}.state`);
    const r = runKiln(["bake", "--mode", "override", "--json", "--project-dir", dir], {
      env: { KILN_STATE_DIR: `${dir}.state`, KILN_LABELS: testLabel(), KILN_COMPOSE: "v1" },
    });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({
      ok: false,
      error: { code: "ERR_KILN_OVERRIDE_COMPOSE_V1" },
    });
  });
});
