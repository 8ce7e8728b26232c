/**
 * kiln as a library, as a user gets it (#14.7): `npm pack` → install the tarball into an empty
 * folder (dependencies from npm's cache, else the registry) → `import { bake } from "kiln"` in a
 * plain Node script that builds and bakes a two-service project against the real engine, reads
 * the result, restores, and creates, lists and prunes its cache volume.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { engineAvailable, removeDir, repoRoot, testLabel, TEST_LABEL, testRunId } from "../helpers/kiln.js";

/** the API README.md documents, as `Object.keys(await import("kiln"))` lists it */
const DOCUMENTED = [
  "EXIT",
  "KilnError",
  "bake",
  "build",
  "defaultPorts",
  "doctor",
  "ensureVolumes",
  "exportBundle",
  "exportVolume",
  "fixDockerfile",
  "fixVolumes",
  "importBundle",
  "importVolume",
  "inspectVolume",
  "isKilnError",
  "lint",
  "listVolumes",
  "loadProject",
  "makePlan",
  "projectRequest",
  "pruneVolumes",
  "pull",
  "push",
  "rebuild",
  "restore",
  "status",
  "up",
];

/** a cache volume of this run only (pip's cache path makes it one), created by ensureVolumes */
const CACHE = `kiln-test-libshop-pip-${testRunId()}-${process.pid}`;
const COMPOSE = `services:\n  api:\n    build: ./api\n    volumes:\n      - pip:/root/.cache/pip\n  worker:\n    build: ./worker\nvolumes:\n  pip:\n    name: ${CACHE}\n`;

const dirs: string[] = [];
afterAll(() => {
  dirs.forEach(removeDir);
  spawnSync("docker", ["volume", "rm", "-f", CACHE]);
  const ids = spawnSync(
    "docker",
    [
      "images",
      "-q",
      "--filter",
      `label=${TEST_LABEL}=${testRunId()}`,
      "--filter",
      "reference=kiln.invalid/libshop*",
    ],
    {
      encoding: "utf8",
    },
  )
    .stdout.split("\n")
    .filter(Boolean);
  if (ids.length > 0) spawnSync("docker", ["image", "rm", "-f", ...new Set(ids)]);
});

const SCRIPT = `
import { bake, build, status, restore, lint, KilnError, ensureVolumes, listVolumes, pruneVolumes } from "kiln";
import { readFileSync } from "node:fs";
const projectDir = process.argv[2];
const api = Object.keys(await import("kiln")).sort();
const compose = projectDir + "/compose.yaml";
const built = await build({ projectDir });
const builtText = readFileSync(compose, "utf8");
const report = await bake({ projectDir });
const now = await status({ projectDir });
const pinnedText = readFileSync(compose, "utf8");
const restored = await restore({ projectDir });
const after = await status({ projectDir });
const ensured = await ensureVolumes({ projectDir });
const again = await ensureVolumes({ projectDir });
const listed = await listVolumes({ projectDir, sizes: false });
const pruned = await pruneVolumes({ projectDir, names: ensured.map((v) => v.name) });
let error;
try {
  await bake({ projectDir, services: ["nope"] });
} catch (e) {
  error = e instanceof KilnError ? { code: e.code, hint: e.hint } : String(e);
}
const findings = lint("FROM debian\\nRUN apt-get update\\nRUN apt-get install -y curl\\n", { path: "Dockerfile" });
console.log(JSON.stringify({
  api,
  built: built.results.map((r) => ({ service: r.service, action: r.action, image: r.image })),
  builtPins: built.pins?.pinned ?? [],
  builtText,
  results: report.results.map((r) => ({ service: r.service, action: r.action, image: r.image })),
  pinned: report.pins?.pinned ?? [],
  status: now.services.map((s) => s.state),
  pinnedText,
  restored: restored.restored.sort(),
  restoredText: readFileSync(compose, "utf8"),
  afterRestore: after.services.map((s) => s.state),
  ensured: ensured.map((v) => [v.name, v.purpose, v.created]),
  again: again.map((v) => [v.name, v.created]),
  listed: listed.volumes.map((v) => ({ name: v.name, purpose: v.purpose, exists: v.exists, usedBy: v.usedBy.map((u) => u.service) })),
  pruned: pruned.removed,
  error,
  rules: [...new Set(findings.map((f) => f.rule))],
}));
`;

describe.skipIf(!engineAvailable())("the packed package", () => {
  it('installs from its tarball and bakes through import { bake } from "kiln"', () => {
    const work = mkdtempSync(path.join(os.tmpdir(), "kiln-lib-"));
    dirs.push(work);
    const packed = JSON.parse(
      execFileSync("npm", ["pack", "--json", "--pack-destination", work], {
        cwd: repoRoot,
        encoding: "utf8",
      }),
    ) as { filename: string; files: { path: string }[] }[];
    const tarball = path.join(work, packed[0]?.filename ?? "");
    const files = packed[0]?.files.map((f) => f.path) ?? [];
    expect(files).toContain("dist/index.js");
    expect(files).toContain("dist/index.d.ts");
    expect(files.filter((f) => f.endsWith(".v8cache"))).toEqual([]); // bin/kiln's local code cache

    const app = path.join(work, "app");
    mkdirSync(app);
    writeFileSync(
      path.join(app, "package.json"),
      JSON.stringify({ name: "uses-kiln", private: true, type: "module" }),
    );
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--omit=dev", tarball], {
      cwd: app,
      stdio: "pipe",
      timeout: 300_000,
    });
    writeFileSync(path.join(app, "bake.mjs"), SCRIPT);

    const project = path.join(work, "libshop");
    for (const svc of ["api", "worker"]) {
      mkdirSync(path.join(project, svc), { recursive: true });
      writeFileSync(
        path.join(project, svc, "Dockerfile"),
        "FROM kiln-local/busybox:latest\nCOPY a.txt /a.txt\n",
      );
      writeFileSync(path.join(project, svc, "a.txt"), `${svc} ${process.pid} ${Math.random()}\n`);
    }
    writeFileSync(path.join(project, "compose.yaml"), COMPOSE);

    const r = spawnSync(process.execPath, ["bake.mjs", project], {
      cwd: app,
      env: { ...process.env, KILN_STATE_DIR: path.join(work, "state"), KILN_LABELS: testLabel() },
      encoding: "utf8",
      timeout: 300_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      api: string[];
      built: { service: string; action: string; image: string }[];
      builtPins: string[];
      builtText: string;
      results: { service: string; action: string; image: string }[];
      pinned: string[];
      status: string[];
      pinnedText: string;
      restored: string[];
      restoredText: string;
      afterRestore: string[];
      ensured: [string, string, boolean][];
      again: [string, boolean][];
      listed: { name: string; purpose: string; exists: boolean; usedBy: string[] }[];
      pruned: string[];
      error: { code: string; hint?: string };
      rules: string[];
    };
    expect(out.api).toEqual(DOCUMENTED);
    // build: both images built and content-tagged, the compose file untouched
    expect(out.built.map((x) => [x.service, x.action])).toEqual([
      ["api", "built"],
      ["worker", "built"],
    ]);
    expect(out.built[0]?.image).toMatch(/^kiln\.invalid\/libshop-api:kiln-[0-9a-f]{12}$/);
    expect(out.builtPins).toEqual([]);
    expect(out.builtText).toBe(COMPOSE);
    // bake: nothing to build any more, both pinned to the images build made
    expect(out.results.map((x) => [x.service, x.action])).toEqual([
      ["api", "skipped"],
      ["worker", "skipped"],
    ]);
    expect(out.results.map((x) => x.image)).toEqual(out.built.map((x) => x.image));
    expect(out.pinned).toEqual(["api", "worker"]);
    expect(out.status).toEqual(["baked", "baked"]);
    // restore through the library: build: back byte for byte, nothing pinned any more
    expect(out.pinnedText).toContain(out.results[0]?.image);
    expect(out.restored).toEqual(["api", "worker"]);
    expect(out.restoredText).toBe(COMPOSE);
    expect(out.afterRestore).toEqual(["unbaked", "unbaked"]);
    // volumes: the pip cache created (with this run's label), found again, listed, pruned
    expect(out.ensured).toEqual([[CACHE, "pip", true]]);
    expect(out.again).toEqual([[CACHE, false]]);
    expect(out.listed).toEqual([{ name: CACHE, purpose: "pip", exists: true, usedBy: ["api"] }]);
    expect(out.pruned).toEqual([CACHE]);
    expect(spawnSync("docker", ["volume", "inspect", CACHE]).status).not.toBe(0);
    expect(out.error.code).toBe("ERR_KILN_UNKNOWN_SERVICE");
    expect(out.error.hint).toBeTruthy();
    expect(out.rules.length).toBeGreaterThan(0);
    // the library's bake is in the project's history, as the CLI's is
    const runsDir = path.join(work, "state", "projects");
    const records = readdirSync(runsDir).flatMap((p) =>
      readdirSync(path.join(runsDir, p, "runs"))
        .filter((n) => n.endsWith(".json"))
        .map(
          (n) =>
            JSON.parse(readFileSync(path.join(runsDir, p, "runs", n), "utf8")) as {
              command: string;
              state: string;
              kilnVersion: string;
            },
        ),
    );
    expect(
      records
        .filter((r) => r.state === "done")
        .map((r) => [r.command, r.kilnVersion])
        .sort(),
    ).toEqual([
      ["bake", "0.1.0"],
      ["build", "0.1.0"],
    ]);
  });
});
