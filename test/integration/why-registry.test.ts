/**
 * #15.3 `kiln why` with a registry (Debian's docker-registry on 127.0.0.1): after a push it says
 * the registry holds the current fingerprint; after a source change, which fingerprint the
 * registry holds closest to the current inputs (among its content tags whose manifest kiln's
 * history has) and how they differ; without that history, kiln-latest's and only that they differ.
 */
import { spawnSync } from "node:child_process";
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bakeFixture, engineAvailable, removeDir, runKiln } from "../helpers/kiln.js";
import { startRegistry, type TestRegistry } from "../helpers/registry.js";
import { expectSchema } from "../helpers/json-schema.js";

interface Why {
  service: string;
  fingerprint: string;
  registry?: {
    name: string;
    tag?: string;
    fingerprint?: string;
    current: boolean;
    changes?: { files: { changed: string[] } };
    error?: string;
  };
}

const dirs: string[] = [];
let registry: TestRegistry | undefined;
afterAll(async () => {
  if (registry) {
    const host = registry.host;
    const refs = spawnSync("docker", ["images", "--format", "{{.Repository}}:{{.Tag}}"], { encoding: "utf8" })
      .stdout.split("\n")
      .filter((r) => r.startsWith(`${host}/`));
    if (refs.length > 0) spawnSync("docker", ["rmi", ...refs]);
    await registry.stop();
  }
  dirs.forEach(removeDir);
}, 60_000);

describe.skipIf(!engineAvailable())("kiln why --registry (#15.3)", () => {
  it("names the fingerprint the registry holds and how the current inputs differ", async () => {
    registry = await startRegistry();
    const where = `${registry.host}/kiln-why`;
    const { dir, env } = bakeFixture("bake/reads");
    dirs.push(dir, `${dir}.state`);
    const kiln = (args: string[], extra: NodeJS.ProcessEnv = {}) => {
      const r = runKiln([...args, "--project-dir", dir], { env: { ...env, ...extra } });
      expect(r.code, r.stderr).toBe(0);
      return r.stdout;
    };
    const why = (extra: NodeJS.ProcessEnv = {}): Why => {
      const data = JSON.parse(kiln(["why", "--json", "--registry", where], extra)) as { services: Why[] };
      expectSchema("why", data);
      return data.services[0];
    };
    kiln(["bake", "--push", "--registry", where, "--progress", "quiet"]);
    const pushed = why();
    expect(pushed.registry).toEqual({
      name: where,
      tag: `kiln-${pushed.fingerprint.slice(0, 12)}`,
      fingerprint: pushed.fingerprint,
      current: true,
    });

    const req = path.join(dir, "requirements.txt");
    const original = readFileSync(req, "utf8");
    appendFileSync(req, `six==1.16.0 # ${Math.random()}\n`);
    const stale = why();
    expect(stale.fingerprint).not.toBe(pushed.fingerprint);
    const tag1 = `kiln-${pushed.fingerprint.slice(0, 12)}`;
    expect(stale.registry).toMatchObject({
      tag: tag1,
      fingerprint: pushed.fingerprint,
      current: false,
      changes: { files: { changed: ["requirements.txt"] } },
    });
    const text = kiln(["why", "--registry", where]);
    expect(text).toContain(
      `registry ${where}: closest it holds is ${tag1}, not kiln-${stale.fingerprint.slice(0, 12)}`,
    );
    expect(text).toContain("files changed: requirements.txt");

    // push that too (now kiln-latest), then go back to the first requirements and change a
    // source: the closest fingerprint is the first push (one file differs), not kiln-latest (two)
    kiln(["bake", "--push", "--registry", where, "--progress", "quiet"]);
    writeFileSync(req, original);
    appendFileSync(path.join(dir, "src", "main.py"), `# ${Math.random()}\n`);
    const closest = why();
    expect(closest.registry).toMatchObject({
      tag: tag1,
      fingerprint: pushed.fingerprint,
      current: false,
      changes: { files: { changed: ["src/main.py"] } },
    });

    // another checkout with its own state (no manifest of the pushed fingerprint): only that they differ
    const other = bakeFixture("bake/reads");
    dirs.push(other.dir, `${other.dir}.state`);
    const r = runKiln(["why", "--json", "--project-dir", other.dir], {
      env: { ...other.env, KILN_REGISTRY: where },
    });
    expect(r.code, r.stderr).toBe(0);
    const elsewhere = (JSON.parse(r.stdout) as { services: Why[] }).services[0];
    expect(elsewhere.registry).toEqual({
      name: where,
      tag: "kiln-latest",
      fingerprint: stale.fingerprint,
      current: false,
    });

    // a registry that does not answer: said, not fatal
    const down = JSON.parse(kiln(["why", "--json", "--registry", "127.0.0.1:1/none"])) as { services: Why[] };
    expect(down.services[0].registry?.error).toMatch(/unreachable/);
  }, 180_000);
});
