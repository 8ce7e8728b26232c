#!/usr/bin/env node
// Time from a cold builder cache to a running dev container (issue #13): the real Dev Containers
// CLI's `devcontainer up` on a baked project (kiln bake pinned the compose service to the image
// with the Features and the UID layer in it) against `devcontainer up` on the same project
// unbaked (the CLI builds the service, with its Features, then its UID layer).
// Projects:
// - examples/dukat's dev container (the seed's own project, copied read-only to a temp dir at run
//   time): a Debian image whose build apt-installs Python and the developer's tools from Debian's
//   archive, a venv with the dev requirements from the loopback pip index scripts/pip-index.mjs
//   serves (as test/integration/dukat-*.test.ts do), a local Feature, remoteUser vscode (the UID
//   layer), an initializeCommand creating six external cache volumes. Offline overrides as in
//   examples/dukat/offline.env (BASE_IMAGE=kiln-local/debian:bookworm, PIP_INDEX_URL).
// - test/fixtures/devcontainer/features: two local Features, remoteUser dev, a postCreateCommand,
//   and a two-line Dockerfile — the CLI's own floor, where the builds are tiny.
// Each timed run gets a brand-new second engine (bench/lib/second-engine.mjs) holding the base
// image and, for the baked run, the images `kiln bake` made on it — then that engine's builder
// cache is cleared (never the main engine's): what a teammate, a CI runner or a pruned machine
// has. Untimed: starting the engine, loading the base image, the bake. Timed: `devcontainer up`
// until it reports success; then the bench checks the container runs (and, baked, that it runs
// the pinned image and nothing was built).
// Offline on engine 20.10 the unbaked `devcontainer up` needs `--buildkit never
// --omit-syntax-directive` (the engine's built-in frontend has no named build contexts; the
// CLI's `# syntax=` line would fetch a frontend image) — the flags kiln itself uses to install
// Features; the baked one builds nothing and runs with no flags.
// Run after `npm run build`, as root, with the engine up:
//   node bench/devcontainer.mjs [runs]        BENCH_ONLY=dukat|fixture for one project
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startSecondEngine } from "./lib/second-engine.mjs";
import { median, run } from "./lib/timed.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const kiln = path.join(root, "bin", "kiln");
const devcontainer = path.join(root, "node_modules", ".bin", "devcontainer");
const base = "kiln-local/debian:bookworm";
const runs = Number(process.argv[2] ?? 1);
const label = `kiln.bench=devcontainer-${process.pid}`;
const offlineFlags = ["--buildkit", "never", "--omit-syntax-directive"];

/** the loopback PEP 503 index dukat's build installs its dev requirements from */
async function startPipIndex() {
  const child = spawn(
    process.execPath,
    [path.join(root, "scripts", "pip-index.mjs"), "--port", "0", "--quiet"],
    {
      stdio: ["ignore", "pipe", "ignore"],
    },
  );
  const url = await new Promise((resolve, reject) => {
    child.stdout.setEncoding("utf8").once("data", (d) => resolve(d.trim()));
    child.once("exit", (code) => reject(new Error(`pip-index exited ${code}`)));
  });
  return { url, stop: () => child.kill("SIGTERM") };
}

const projects = [
  {
    key: "dukat",
    title: "examples/dukat (Debian + apt python3/git, pip venv, 1 local Feature, remoteUser vscode)",
    service: "devcontainer",
    copy(dir) {
      cpSync(path.join(root, "examples", "dukat"), dir, {
        recursive: true,
        filter: (src) => !src.includes("__pycache__"),
      });
      return path.join(dir, ".devcontainer", "docker-compose.yml");
    },
    env: (index) => ({
      BASE_IMAGE: base,
      PIP_INDEX_URL: index.url,
      DUKAT_VOLUME_PREFIX: `kb${process.pid}-`,
    }),
    bakeArgs: (dir) => ["--devcontainer", path.join(dir, ".devcontainer", "devcontainer.json")],
  },
  {
    key: "fixture",
    title: "fixture devcontainer/features (2 local Features, remoteUser dev, tiny builds)",
    service: "app",
    copy(dir) {
      cpSync(path.join(root, "test", "fixtures", "devcontainer", "features"), dir, { recursive: true });
      return path.join(dir, ".devcontainer", "docker-compose.yml");
    },
    env: () => ({}),
    bakeArgs: () => [],
  },
].filter((p) => !process.env.BENCH_ONLY || p.key === process.env.BENCH_ONLY);

function up(engine, dir, env, extra) {
  const r = run(
    [devcontainer, "up", "--workspace-folder", dir, "--id-label", label, "--log-level", "info", ...extra],
    { env, timeout: 900_000 },
  );
  const result = JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}");
  if (result.outcome !== "success") throw new Error(`devcontainer up: ${r.stdout}\n${r.stderr.slice(-3000)}`);
  const state = engine.docker(["inspect", "-f", "{{.State.Running}} {{.Image}}", result.containerId]);
  const [running, image] = state.stdout.trim().split(" ");
  if (running !== "true") throw new Error(`the dev container is not running: ${state.stderr}`);
  return { ms: r.ms, image, log: r.stderr };
}

const images = (engine) => engine.docker(["images", "-aq", "--no-trunc"]).stdout.split("\n").filter(Boolean);
const namedImages = (engine) =>
  engine
    .docker(["images", "--format", "{{.Repository}}"])
    .stdout.split("\n")
    .filter((t) => t && t !== base.split(":")[0] && t !== "<none>");

async function timeOnce(project, kind, index) {
  const engine = await startSecondEngine();
  // a folder name of its own: the CLI names the compose project <folder>_devcontainer
  const dir = mkdtempSync(path.join(os.tmpdir(), `kiln-bench-${project.key}-`));
  try {
    engine.loadFromFirst([base]);
    engine.isolateNetwork(project.copy(dir));
    const env = { ...process.env, DOCKER_HOST: engine.host, KILN_LABELS: label, ...project.env(index) };
    delete env.COMPOSE_PROJECT_NAME;
    if (kind === "unbaked") {
      engine.docker(["builder", "prune", "-af"]);
      const r = up(engine, dir, env, offlineFlags);
      if (process.env.BENCH_VERBOSE) console.error(r.log);
      return { ms: r.ms, built: namedImages(engine) };
    }
    const bake = JSON.parse(
      run([process.execPath, kiln, "bake", "--json", "--project-dir", dir, ...project.bakeArgs(dir)], {
        env: { ...env, KILN_STATE_DIR: `${dir}.state` },
        timeout: 900_000,
      }).stdout,
    );
    const pinned = bake.services.find((s) => s.name === project.service).image;
    const pinnedId = engine.docker(["image", "inspect", "-f", "{{.Id}}", pinned]).stdout.trim();
    engine.docker(["builder", "prune", "-af"]);
    const before = images(engine).length;
    const r = up(engine, dir, env, []);
    if (process.env.BENCH_VERBOSE) console.error(r.log);
    if (r.image !== pinnedId) throw new Error(`baked: the dev container runs ${r.image}, not ${pinned}`);
    if (images(engine).length !== before || /-features|-uid/.test(r.log))
      throw new Error("baked: devcontainer up built an image");
    return { ms: r.ms, built: [] };
  } finally {
    await engine.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(`${dir}.state`, { recursive: true, force: true });
  }
}

const loadBefore = os.loadavg();
const index = await startPipIndex();
const results = [];
try {
  for (const project of projects) {
    const r = { project, baked: [], unbaked: [], built: [] };
    for (let i = 0; i < runs; i++) {
      const u = await timeOnce(project, "unbaked", index);
      r.unbaked.push(u.ms);
      r.built = u.built;
      const b = await timeOnce(project, "baked", index);
      r.baked.push(b.ms);
      console.error(
        `${project.key} run ${i + 1}/${runs}: unbaked ${(u.ms / 1000).toFixed(2)} s, baked ${(b.ms / 1000).toFixed(2)} s` +
          ` (load ${os.loadavg()[0].toFixed(1)})`,
      );
    }
    results.push(r);
  }
} finally {
  index.stop();
}
const loadAfter = os.loadavg();
const s = (ms) => (ms / 1000).toFixed(2);
console.log(
  `time from a cold builder cache to a running dev container (median of ${runs}; fresh engine each;` +
    ` load average ${loadBefore[0].toFixed(1)} before, ${loadAfter[0].toFixed(1)} after):`,
);
for (const { project, baked, unbaked, built } of results) {
  const b = median(baked);
  const u = median(unbaked);
  console.log(
    `  ${project.title}: devcontainer up baked ${s(b)} s  vs  unbaked ${s(u)} s  → ${(b / u).toFixed(2)}× (target ≤ 0.3×)`,
  );
  console.log(`    raw: baked ${baked.map(s).join(", ")} s; unbaked ${unbaked.map(s).join(", ")} s`);
  console.log(
    `    images the unbaked up built: ${built.join(", ") || "none"}; the baked up built none (checked)`,
  );
}
console.log(
  `  unbaked ran \`devcontainer up ${offlineFlags.join(" ")}\`: offline on engine 20.10 the CLI's Features build needs them` +
    " (no named build contexts in the built-in frontend; no `# syntax=` frontend to fetch); baked ran plain `devcontainer up`",
);
