/**
 * `kiln lint --fix` on a Dockerfile with apt and npm installs and no cache mounts: the fixed
 * file builds on the real engine, and after a dependency change the second build downloads
 * less — measured from apt's own "Need to get" line and npm's own http log.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HOST_CA, provideNode } from "../helpers/offline-node.js";
import { engineAvailable, removeDir, runKiln, tempCopy, testLabel, testRunId } from "../helpers/kiln.js";

const CA = HOST_CA;

/** "Need to get 12.3 kB/145 kB of archives." → bytes to download and total */
export function aptNeedToGet(log: string): { download: number; total: number } {
  const m = /Need to get ([\d.,]+) (B|kB|MB)(?:\/([\d.,]+) (B|kB|MB))? of archives/.exec(log);
  if (!m) throw new Error(`no "Need to get" line in the build log:\n${log.slice(-3000)}`);
  const bytes = (n: string, unit: string): number =>
    Number(n.replace(/,/g, "")) * (unit === "MB" ? 1e6 : unit === "kB" ? 1e3 : 1);
  const download = bytes(m[1], m[2]);
  return { download, total: m[3] ? bytes(m[3], m[4]) : download };
}

/** tarballs npm fetched from the network vs. served from its cache */
function npmTarballs(log: string): { miss: string[]; cached: string[] } {
  const miss: string[] = [];
  const cached: string[] = [];
  for (const m of log.matchAll(/npm http fetch GET \d+ (\S+\.tgz) .*?\((cache [a-z]+)\)/g)) {
    (m[2] === "cache miss" ? miss : cached).push(m[1]);
  }
  return { miss, cached };
}

/**
 * Removes the cache mounts this test created (records made since `since` whose command is
 * this fixture's), by record id — never the engine's other build cache.
 */
function pruneOwnCacheMounts(since: number): void {
  const du = spawnSync("docker", ["buildx", "du", "--verbose"], { encoding: "utf8" });
  for (const record of du.stdout.split(/\n(?=ID:)/)) {
    const id = /^ID:\s+(\S+)/m.exec(record)?.[1];
    const created = Date.parse((/^Created at:\s+(\S+ \S+)/m.exec(record)?.[1] ?? "").replace(" ", "T") + "Z");
    const description = /^Description:\s+(.*)$/m.exec(record)?.[1] ?? "";
    const ours = /no-install-recommends less|npm install --no-audit --no-fund --loglevel http/.test(
      description,
    );
    if (id && /^Type:\s+exec\.cachemount/m.test(record) && ours && created >= since - 5_000) {
      spawnSync("docker", ["builder", "prune", "-f", "--filter", `id=${id}`], { stdio: "ignore" });
    }
  }
}

describe.skipIf(!engineAvailable())("kiln lint --fix on a real build (apt + npm)", () => {
  let dir = "";
  let stateDir = "";
  const image = `kiln-lint-cache-build:${testRunId()}`;
  // every cache mount of this test gets its own id, so other builds on the engine neither
  // pre-fill nor share them
  const cacheIdPrefix = `kiln-lint-${testRunId()}-${process.pid}`;

  const started = Date.now();

  beforeAll(() => {
    dir = tempCopy("lint/cache-build");
    stateDir = tempCopy();
    provideNode(dir);
  });
  afterAll(() => {
    spawnSync("docker", ["image", "rm", "-f", image], { stdio: "ignore" });
    pruneOwnCacheMounts(started);
    if (dir) removeDir(dir);
    if (stateDir) removeDir(stateDir);
  });

  function build(): string {
    const fixed = readFileSync(path.join(dir, "Dockerfile"), "utf8");
    const isolated = fixed.replace(
      /--mount=type=cache,target=([^,\s]+)/g,
      (_m, t: string) => `--mount=type=cache,id=${cacheIdPrefix}${t},target=${t}`,
    );
    writeFileSync(path.join(dir, "Dockerfile.isolated"), isolated);
    const r = spawnSync(
      "docker",
      [
        "build",
        "--progress=plain",
        "--secret",
        `id=ca,src=${CA}`,
        "--label",
        testLabel(),
        "-t",
        image,
        "-f",
        path.join(dir, "Dockerfile.isolated"),
        dir,
      ],
      { encoding: "utf8", timeout: 300_000, env: { ...process.env, DOCKER_BUILDKIT: "1" } },
    );
    const log = `${r.stdout}\n${r.stderr}`;
    if (r.status !== 0) throw new Error(`docker build failed (${r.status}):\n${log.slice(-4000)}`);
    return log;
  }

  it("adds cache mounts that the engine re-uses after a dependency change", () => {
    const file = path.join(dir, "Dockerfile");
    const env = { KILN_STATE_DIR: stateDir };
    const fix = runKiln(["lint", "--fix", file], { env });
    expect(fix.stderr).toBe("");
    expect(fix.code).toBe(0);
    const fixed = readFileSync(file, "utf8");
    expect(fixed).toContain("--mount=type=cache,target=/var/cache/apt,sharing=locked");
    expect(fixed).toContain("--mount=type=cache,target=/root/.npm --mount=type=secret,id=ca npm install");
    expect(fixed).toContain("rm -f /etc/apt/apt.conf.d/docker-clean");
    expect(fixed).not.toContain("rm -rf /var/lib/apt/lists");
    // idempotent: a second --fix changes nothing
    expect(runKiln(["lint", "--fix", file], { env }).code).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(fixed);

    const first = build();
    const apt1 = aptNeedToGet(first);
    const npm1 = npmTarballs(first);
    expect(apt1.download).toBeGreaterThan(0);
    expect(npm1.miss.some((t) => t.includes("/ms-"))).toBe(true);

    // one more apt package and one more npm package
    writeFileSync(file, fixed.replace("--no-install-recommends less", "--no-install-recommends less tree"));
    const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    pkg.dependencies["is-number"] = "7.0.0";
    writeFileSync(path.join(dir, "package.json"), JSON.stringify(pkg, null, 2));

    const second = build();
    const apt2 = aptNeedToGet(second);
    const npm2 = npmTarballs(second);
    // apt: only the new package is downloaded; the earlier one comes from the cache mount
    expect(apt2.download).toBeLessThan(apt2.total);
    expect(apt2.download).toBeLessThan(apt1.download);
    // npm: ms is not fetched from the network again, only is-number is
    expect(npm2.miss.some((t) => t.includes("/is-number-"))).toBe(true);
    expect(npm2.miss.some((t) => t.includes("/ms-"))).toBe(false);
    expect(npm2.miss.length).toBeLessThan(npm1.miss.length + 1);
    process.stderr.write(
      `lint-cache-build: apt fetched ${apt1.download} B, then ${apt2.download} of ${apt2.total} B; ` +
        `npm tarballs from the network ${npm1.miss.length}, then ${npm2.miss.length} (${npm2.cached.length} from cache)\n`,
    );
  });
});
