/**
 * Offline bundles between two real engines, no registry: engine A bakes and exports; engine B
 * imports (checksums verified), then `kiln bake` builds nothing and pins, and the services
 * start. A damaged bundle loads nothing. A cache-mount bundle re-seeds B's apt caches, so B's
 * first apt install fetches (almost) nothing — measured from apt's own output.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  engineAvailable,
  removeDir,
  runKiln,
  tempCopy,
  testLabel,
  testRunId,
  makeContextUnique,
} from "../helpers/kiln.js";
import { expectSchema } from "../helpers/json-schema.js";
import { startSecondEngine, type SecondEngine } from "../helpers/second-engine.js";
import { makeSpyDocker, type SpyDocker } from "../helpers/spy-docker.js";

interface BakeJson {
  services: { name: string; image: string; action: string; reason: string }[];
  pinned: string[];
}

const validate = expectSchema;

const dirs: string[] = [];
let engineB: SecondEngine | undefined;

afterAll(async () => {
  await engineB?.stop();
  dirs.forEach(removeDir);
}, 60_000);

function clone(from: string): string {
  const dir = tempCopy();
  cpSync(from, dir, { recursive: true });
  return dir;
}

/** bytes apt reports as fetched ("Fetched 9,123 kB in 2s") and as to get ("Need to get 51.6 kB/…") */
function aptBytes(text: string): { fetched: number; needed: number } {
  const unit = (n: string, u: string): number =>
    Number(n.replace(/,/g, "")) * (u === "kB" ? 1e3 : u === "MB" ? 1e6 : u === "GB" ? 1e9 : 1);
  let fetched = 0;
  let needed = 0;
  for (const m of text.matchAll(/Fetched ([\d.,]+) (B|kB|MB|GB) in/g))
    fetched += unit(m[1] ?? "0", m[2] ?? "B");
  for (const m of text.matchAll(/Need to get ([\d.,]+) (B|kB|MB|GB)/g))
    needed += unit(m[1] ?? "0", m[2] ?? "B");
  return { fetched, needed };
}

function logLines(stderr: string, service: string): string {
  return stderr
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as { type: string; service?: string; line?: string })
    .filter((e) => e.type === "log" && e.service === service)
    .map((e) => e.line ?? "")
    .join("\n");
}

describe.skipIf(!engineAvailable())("sharing: offline bundles between two engines", () => {
  let spyB: SpyDocker;
  let envB: NodeJS.ProcessEnv;

  beforeAll(async () => {
    engineB = await startSecondEngine();
    engineB.loadFromFirst(["kiln-local/busybox:latest"]);
    spyB = makeSpyDocker();
    dirs.push(spyB.binDir);
    envB = { KILN_LABELS: testLabel(), ...spyB.env, DOCKER_HOST: engineB.host, KILN_REGISTRY: "" };
  }, 120_000);

  it("a bundle exported on A and imported on B: B's bake builds nothing, pins, and kiln up starts the services", () => {
    const source = tempCopy("bake/basic");
    const compose = path.join(source, "docker-compose.yml");
    writeFileSync(compose, readFileSync(compose, "utf8").replace(/^\s*ports:.*\n/m, ""));
    engineB?.isolateNetwork(compose);
    for (const ctx of ["api", "worker"]) makeContextUnique(path.join(source, ctx));
    const dirA = clone(source);
    const dirB = clone(source);
    const file = path.join(tempCopy(), "app.kiln");
    dirs.push(source, dirA, dirB, `${dirA}.state`, `${dirB}.state`, path.dirname(file));
    const envA = { KILN_STATE_DIR: `${dirA}.state`, KILN_LABELS: testLabel(), KILN_REGISTRY: "" };

    expect(runKiln(["bake", "--project-dir", dirA], { env: envA }).code).toBe(0);
    const ex = runKiln(["bundle", "export", file, "--json", "--project-dir", dirA], { env: envA });
    expect(ex.code, ex.stderr).toBe(0);
    const exported = JSON.parse(ex.stdout) as { services: { name: string; image: string }[] };
    validate("bundle-export", exported);
    expect(exported.services.map((s) => s.name)).toEqual(["api", "worker"]);

    const im = runKiln(["bundle", "import", file, "--json"], { env: envB });
    expect(im.code, im.stderr).toBe(0);
    validate("bundle-import", JSON.parse(im.stdout));
    const bEnv = { ...envB, KILN_STATE_DIR: `${dirB}.state` };
    const before = spyB.builds();
    const r = runKiln(["bake", "--json", "--project-dir", dirB], { env: bEnv });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as BakeJson;
    expect(out.services.map((s) => [s.name, s.action, s.reason])).toEqual([
      ["api", "skipped", "skip: fresh"],
      ["worker", "skipped", "skip: fresh"],
    ]);
    expect(out.pinned.sort()).toEqual(["api", "worker"]);
    expect(spyB.builds() - before).toBe(0);
    const pinned = readFileSync(path.join(dirB, "docker-compose.yml"), "utf8");
    // B's checkout has its own project name (its folder), so its own local names for the same images
    for (const s of out.services) expect(pinned).toContain(`image: ${s.image}`);
    for (const [i, s] of out.services.entries()) {
      const ids = [s.image, exported.services[i]?.image ?? ""].map(
        (ref) => engineB?.docker(["image", "inspect", "--format", "{{.Id}}", ref]).stdout.trim() ?? "",
      );
      expect(ids[0]).toBe(ids[1]);
    }
    const up = runKiln(["up", "--project-dir", dirB], { env: bEnv });
    expect(up.code, up.stderr).toBe(0);
    expect(spyB.builds() - before).toBe(0);
    const id =
      engineB?.docker(["ps", "-aq", "--filter", "label=com.docker.compose.service=api"]).stdout.trim() ?? "";
    expect(engineB?.docker(["logs", id]).stdout).toBe(
      readFileSync(path.join(dirB, "api", "server.txt"), "utf8"),
    );
    engineB?.docker(["rm", "-f", ...engineB.docker(["ps", "-aq"]).stdout.trim().split("\n").filter(Boolean)]);

    // a damaged copy is refused before anything is loaded
    const work = tempCopy();
    dirs.push(work);
    spawnSync("tar", ["-xf", file, "-C", work]);
    const member = path.join(work, "images.tar");
    const bytes = readFileSync(member);
    bytes[bytes.length - 2000] = (bytes[bytes.length - 2000] ?? 0) ^ 0xff;
    writeFileSync(member, bytes);
    const damaged = path.join(work, "damaged.kiln");
    spawnSync("tar", ["-cf", damaged, "-C", work, "kiln-bundle.json", "images.tar"]);
    engineB?.docker(["rmi", ...exported.services.map((s) => s.image)]);
    const bad = runKiln(["bundle", "import", damaged, "--json"], { env: envB });
    expect(bad.code).not.toBe(0);
    expect((JSON.parse(bad.stdout) as { error: { code: string; message: string } }).error).toMatchObject({
      code: "ERR_KILN_BUNDLE",
      message: expect.stringContaining("images.tar is damaged") as unknown,
    });
    for (const s of exported.services)
      expect(engineB?.docker(["image", "inspect", s.image]).code).not.toBe(0);
  }, 240_000);

  it("a cache-mount bundle re-seeds B's apt caches: B's first apt install fetches (almost) nothing", () => {
    engineB?.loadFromFirst(["kiln-local/debian:bookworm"]);
    const dirA = tempCopy();
    mkdirSync(path.join(dirA, "app"));
    const id = `kiln-test-apt-${testRunId()}-${Math.random().toString(16).slice(2, 8)}`;
    writeFileSync(
      path.join(dirA, "app", "Dockerfile"),
      [
        "FROM kiln-local/debian:bookworm",
        "ARG BUST=1",
        `RUN --mount=type=cache,id=${id}-lists,target=/var/lib/apt,sharing=locked \\`,
        `    --mount=type=cache,id=${id}-debs,target=/var/cache/apt,sharing=locked \\`,
        '    echo "bust $BUST" && rm -f /etc/apt/apt.conf.d/docker-clean && apt-get update && \\',
        "    apt-get install -y --no-install-recommends tree",
        "",
      ].join("\n"),
    );
    writeFileSync(
      path.join(dirA, "compose.yaml"),
      "services:\n  app:\n    build:\n      context: ./app\n      args:\n        BUST: ${BUST:-1}\n",
    );
    const dirB = clone(dirA);
    const file = path.join(tempCopy(), "ci-cache.kiln");
    dirs.push(dirA, dirB, `${dirA}.state`, `${dirB}.state`, path.dirname(file));
    const envA = { KILN_STATE_DIR: `${dirA}.state`, KILN_LABELS: testLabel(), KILN_REGISTRY: "" };

    const a = runKiln(["bake", "--json", "--progress", "json", "--project-dir", dirA], { env: envA });
    expect(a.code, a.stderr).toBe(0);
    const onA = aptBytes(logLines(a.stderr, "app"));
    expect(onA.fetched).toBeGreaterThan(1e6); // the first install really downloads
    const ex = runKiln(["bundle", "export", file, "--cache-mounts", "--json", "--project-dir", dirA], {
      env: envA,
    });
    expect(ex.code, ex.stderr).toBe(0);
    const caches = (JSON.parse(ex.stdout) as { caches: { id: string; size: number }[] }).caches;
    expect(caches.map((c) => c.id).sort()).toEqual([`${id}-debs`, `${id}-lists`]);

    const im = runKiln(["bundle", "import", file, "--json"], { env: envB });
    expect(im.code, im.stderr).toBe(0);
    expect((JSON.parse(im.stdout) as { cachesSeeded: string[] }).cachesSeeded.sort()).toEqual(
      caches.map((c) => c.id).sort(),
    );
    // a changed build arg makes B run the apt step itself, with the re-seeded caches
    const b = runKiln(["bake", "--json", "--progress", "json", "--project-dir", dirB], {
      env: { ...envB, KILN_STATE_DIR: `${dirB}.state`, BUST: "2" },
    });
    expect(b.code, b.stderr).toBe(0);
    const onB = aptBytes(logLines(b.stderr, "app"));
    console.log(
      `apt on A: fetched ${onA.fetched} B, needed ${onA.needed} B; on B after import: fetched ${onB.fetched} B, needed ${onB.needed} B`,
    );
    expect(onB.needed).toBe(0);
    expect(onB.fetched).toBeLessThan(onA.fetched / 20);
  }, 400_000);
});
