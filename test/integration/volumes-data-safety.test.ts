/**
 * Database volumes are not caches (#12.6): a project with postgres-, redis- and mysql-like data
 * volumes holding data, next to one pip cache. doctor must not call the data volumes caches nor
 * send the user to `kiln volumes ensure`; doctor --fix must not create or label them as kiln's;
 * prune (dry run and real) offers only the project's kiln-created caches — never a data volume,
 * not even one an older kiln labelled kiln.managed=true, nor another project's volumes unless
 * --all-projects — and the data is still there afterwards.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engineAvailable, removeDir, runKiln, tempCopy, testLabel, testRunId } from "../helpers/kiln.js";

interface Check {
  id: string;
  status: string;
  message: string;
  hint?: string;
}

interface Pruned {
  removed: string[];
  kept: { name: string }[];
}

const id = randomBytes(4).toString("hex");
const project = `kdv${id}`;
const data = {
  pgdata: { volume: `${project}_pgdata`, file: "PG_VERSION", content: "rows" },
  redis: { volume: `${project}_redis-data`, file: "dump.rdb", content: "keys" },
  mysql: { volume: `${project}_mysql-data`, file: "ibdata1", content: "tables" },
};
const dataVolumes = Object.values(data).map((d) => d.volume);
const pipCache = `${project}_pip-cache`;
const otherProjectCache = `kdvother${id}-pip-cache`;
const restoredData = `${project}_restored`;

function docker(args: string[]): string {
  return execFileSync("docker", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function labelsOf(volume: string): Record<string, string> | undefined {
  const r = spawnSync("docker", ["volume", "inspect", "--format", "{{json .Labels}}", volume], {
    encoding: "utf8",
  });
  return r.status === 0 ? ((JSON.parse(r.stdout) as Record<string, string> | null) ?? {}) : undefined;
}

function readFromVolume(volume: string, file: string): string {
  return docker([
    "run",
    "--rm",
    "--label",
    testLabel(),
    "-v",
    `${volume}:/v:ro`,
    "kiln-local/busybox:latest",
    "cat",
    `/v/${file}`,
  ]).trim();
}

describe.skipIf(!engineAvailable())("data volumes are not caches", () => {
  let dir = "";
  let env: NodeJS.ProcessEnv = {};
  const kiln = (...args: string[]): ReturnType<typeof runKiln> =>
    runKiln([...args, "--project-dir", dir], { env });
  const doctorChecks = (...extra: string[]): Check[] => {
    const r = kiln("doctor", "--json", ...extra);
    return (JSON.parse(r.stdout) as { checks: Check[] }).checks;
  };
  const prune = (...extra: string[]): Pruned => {
    const r = kiln("volumes", "prune", "--json", ...extra);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as Pruned;
  };

  beforeAll(() => {
    dir = tempCopy("volumes/data-volumes");
    const file = path.join(dir, "compose.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replaceAll("@ID@", id).replaceAll("@RUN@", testRunId()));
    env = { KILN_STATE_DIR: `${dir}.state`, KILN_LABELS: testLabel() };
  });

  afterAll(() => {
    spawnSync("docker", ["compose", "--project-directory", dir, "down", "-v", "-t", "0"]);
    spawnSync("docker", ["volume", "rm", "-f", ...dataVolumes, pipCache, otherProjectCache, restoredData]);
    removeDir(dir);
    removeDir(`${dir}.state`);
  });

  it("doctor neither calls a missing data volume a cold cache nor suggests `volumes ensure`", () => {
    const checks = doctorChecks();
    for (const volume of dataVolumes) {
      const c = checks.find((x) => x.id === `volume.${volume}`);
      expect(c, volume).toBeDefined();
      expect(c?.status, volume).toBe("ok");
      expect(c?.message, volume).not.toContain("cache");
      expect(c?.hint ?? "", volume).not.toContain("volumes ensure");
    }
    // the real cache still gets its advice
    expect(checks.find((x) => x.id === `volume.${pipCache}`)).toMatchObject({
      status: "warn",
      hint: expect.stringContaining("kiln volumes ensure") as unknown,
    });
  });

  it("doctor --fix creates the cache, and leaves the data volumes to compose", () => {
    doctorChecks("--fix");
    for (const volume of dataVolumes) expect(labelsOf(volume), volume).toBeUndefined();
    expect(labelsOf(pipCache)).toMatchObject({ "kiln.managed": "true", "kiln.purpose": "pip" });
  });

  it("prune offers only the project's own kiln-created caches; the data survives", () => {
    // what an older kiln left: a data volume labelled as kiln's (its doctor --fix did that)
    docker(["volume", "create", "--label", "kiln.managed=true", "--label", testLabel(), data.mysql.volume]);
    // another project's kiln cache on the same engine
    docker([
      "volume",
      "create",
      "--label",
      "kiln.managed=true",
      "--label",
      "kiln.purpose=pip",
      "--label",
      testLabel(),
      otherProjectCache,
    ]);
    // the services write their data, then their containers go (nothing mounts the volumes now)
    docker(["compose", "--project-directory", dir, "up", "--no-color"]);
    docker(["compose", "--project-directory", dir, "rm", "-f", "-s"]);
    for (const d of Object.values(data)) expect(readFromVolume(d.volume, d.file)).toBe(d.content);

    const checks = doctorChecks();
    const text = JSON.stringify(checks.filter((c) => dataVolumes.some((v) => c.id.includes(v))));
    expect(text).not.toContain("volumes ensure");
    expect(text).not.toContain("cache");

    const dry = prune("--dry-run");
    expect(dry.removed).toEqual([pipCache]);
    const wide = prune("--dry-run", "--all-projects");
    expect(wide.removed).toContain(otherProjectCache);
    for (const volume of dataVolumes) expect(wide.removed).not.toContain(volume);

    const named = kiln("volumes", "prune", "--dry-run", data.mysql.volume);
    expect(named.code).toBe(2);
    expect(named.stderr).toContain("hint:");

    const real = prune();
    expect(real.removed).toEqual([pipCache]);
    expect(labelsOf(pipCache)).toBeUndefined();
    expect(labelsOf(otherProjectCache)).toBeDefined();
    for (const d of Object.values(data)) expect(readFromVolume(d.volume, d.file)).toBe(d.content);
  });

  it("import labels a new volume as kiln's only when the project mounts it as a cache", () => {
    const tar = path.join(`${dir}.state`, "pg.tar");
    const exported = kiln("volumes", "export", data.pgdata.volume, tar);
    expect(exported.code, exported.stderr).toBe(0);
    const restored = kiln("volumes", "import", tar, restoredData);
    expect(restored.code, restored.stderr).toBe(0);
    expect(labelsOf(restoredData)).not.toHaveProperty("kiln.managed");
    expect(readFromVolume(restoredData, data.pgdata.file)).toBe(data.pgdata.content);
    const cache = kiln("volumes", "import", tar, pipCache);
    expect(cache.code, cache.stderr).toBe(0);
    expect(labelsOf(pipCache)).toMatchObject({ "kiln.managed": "true", "kiln.purpose": "pip" });
    expect(prune("--dry-run", "--all-projects").removed).not.toContain(restoredData);
  });
});
