#!/usr/bin/env node
// Benchmarks kiln bake against the tools users would otherwise run, side by side in one run,
// on a generated two-service project with a few thousand context files:
//   no-op:  kiln bake (already baked)  vs  docker compose build  vs  docker buildx bake
//   cold:   kiln bake --jobs 1 after a change that re-runs every step  vs  two raw `docker buildx build`
//           (and the default bake vs itself with KILN_BUILDX_DIRECT=0: its builds through docker,
//           and vs the floor of any Node launcher: Node's start + the two builds through the
//           buildx plugin, nothing else; and that floor after one lstat per context file, the least
//           a tool that labels an image with the fingerprint of its context must do before the build)
// Run after `npm run build` with the engine up: node bench/bake.mjs [filesPerService] [runs] [coldRuns]
// (coldRuns, default 5: the cold rounds, each six bakes or build pairs of a few seconds — on a noisy
// machine their medians move by ±5% from one run to the next; more rounds, less)
// KILN_BASELINE=/path/to/other/bin/kiln also times that kiln's no-op bake (its own state dir) and
// prints this kiln's ratio to it — e.g. the main branch before a change.
// When Podman's socket answers, bench/lib/podman-bake.mjs then does the same on Podman (#18).
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { podmanBake } from "./lib/podman-bake.mjs";
import {
  LAUNCHER,
  SERVICES,
  findBuildxPlugin,
  generateTwoServiceProject,
  rawBuild,
  removeBenchImages,
} from "./lib/two-service-project.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const kiln = path.join(root, "bin", "kiln");
const filesPer = Number(process.argv[2] ?? 3000);
const runs = Number(process.argv[3] ?? 7);
const label = `kiln.bench=${process.pid}`;

function sh(args, opts = {}) {
  const t = process.hrtime.bigint();
  const r = spawnSync(args[0], args.slice(1), { encoding: "utf8", ...opts });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(" ")} failed (${r.status}):\n${r.stderr}`);
  return ms;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/**
 * CPU time of the waited-for children so far (Linux: cutime + cstime of /proc/self/stat, clock
 * ticks of 10 ms): on a busy machine the wall time measures the run queue, the CPU time the work.
 */
function childCpuMs() {
  try {
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return NaN;
  }
}
/**
 * Per command, the median wall time and the mean CPU time per run (the ticks are too coarse for
 * a median). The commands take turns, run by run: on a machine whose load changes meanwhile
 * (other jobs starting, stopping), each sees the same mix of it.
 */
function timeInTurns(specs) {
  const walls = specs.map(() => []);
  const cpus = specs.map(() => 0);
  for (let i = 0; i < runs; i++) {
    specs.forEach(([, args, opts], j) => {
      const c0 = childCpuMs();
      walls[j].push(sh(args, opts));
      cpus[j] += childCpuMs() - c0;
    });
  }
  return specs.map(([name], j) => ({ name, ms: median(walls[j]), cpu: cpus[j] / runs }));
}

const FLOOR = `
const fs = require("node:fs"), net = require("node:net");
const walk = (d) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) { const p = d + "/" + e.name; fs.lstatSync(p); if (e.isDirectory()) walk(p); } };
walk(process.argv[1]);
const s = net.createConnection("/var/run/docker.sock");
s.on("data", () => {}); s.on("end", () => {});
s.write("GET /_ping HTTP/1.0\\r\\nHost: docker\\r\\n\\r\\n");`;

const dir = mkdtempSync(path.join(os.tmpdir(), "kiln-bench-"));
const state = `${dir}.state`;
try {
  generateTwoServiceProject(dir, filesPer, { apiLabel: label });
  const env = { ...process.env, KILN_STATE_DIR: state, KILN_LABELS: label, NO_COLOR: "1" };
  const q = { env, cwd: dir, stdio: ["ignore", "ignore", "pipe"] };

  const baseline = process.env.KILN_BASELINE;
  // the baseline bakes its own copy of the project (a bake pins the compose file it reads)
  const baseDir = `${dir}-baseline`;
  if (baseline) cpSync(dir, baseDir, { recursive: true });
  const qBase = { ...q, cwd: baseDir, env: { ...env, KILN_STATE_DIR: `${state}.baseline` } };
  // warm everything once
  sh([process.execPath, kiln, "bake", "--progress", "quiet"], q);
  if (baseline) sh([process.execPath, baseline, "bake", "--progress", "quiet"], qBase);
  sh(["docker", "compose", "-f", "compose.orig.yml", "-p", "kilnbench", "build"], q);
  sh(["docker", "buildx", "bake", "-f", "compose.orig.yml", "--load"], q);

  const results = timeInTurns([
    ["kiln bake (no-op)", [process.execPath, kiln, "bake", "--progress", "quiet"], q],
    [
      "docker compose build (v2, no-op)",
      ["docker", "compose", "-f", "compose.orig.yml", "-p", "kilnbench", "build"],
      q,
    ],
    ["docker buildx bake (no-op)", ["docker", "buildx", "bake", "-f", "compose.orig.yml", "--load"], q],
    ["node start", [process.execPath, "-e", "0"], q],
    // the floor ENVIRONMENT.md names: Node's start, one lstat per context file, one engine call
    ["floor: node + lstat each file + 1 API call", [process.execPath, "-e", FLOOR, dir], q],
  ]);
  const kilnMs = results[0].ms;
  const kilnCpu = results[0].cpu;
  console.log(
    `no-op bake, ${filesPer} files per service, median of ${runs}, the commands in turns (load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores):`,
  );
  // CPU: compose and buildx bake do their work in the engine, not in a child of this process, so
  // their column counts only the client; the node and floor rows are all local, like kiln's
  for (const r of results)
    console.log(
      `  ${r.name.padEnd(36)} ${r.ms.toFixed(0).padStart(6)} ms   kiln/this = ${(kilnMs / r.ms).toFixed(2)}×   CPU ${r.cpu.toFixed(0).padStart(4)} ms (kiln/this ${(kilnCpu / r.cpu).toFixed(2)}×)`,
    );

  if (baseline) {
    // interleaved, so that a busy machine slows both alike
    const mine = [];
    const theirs = [];
    for (let i = 0; i < runs * 2; i++) {
      mine.push(sh([process.execPath, kiln, "bake", "--progress", "quiet"], q));
      theirs.push(sh([process.execPath, baseline, "bake", "--progress", "quiet"], qBase));
    }
    const [a, b] = [median(mine), median(theirs)];
    console.log(
      `  this kiln vs KILN_BASELINE, interleaved, median of ${runs * 2}: ${a.toFixed(0)} ms vs ${b.toFixed(0)} ms = ${(a / b).toFixed(2)}×`,
    );
  }

  // cold: every step re-runs (new NONCE), same work for both; kiln with one job against the two
  // raw builds one after the other, and kiln's default (--jobs 2) against the two raw builds run
  // at the same time
  const raw = (nonce, svc) => rawBuild(dir, svc, label, nonce);
  const parallel = (nonce) => {
    const t = process.hrtime.bigint();
    const kids = SERVICES.map((svc) =>
      spawn(raw(nonce, svc)[0], raw(nonce, svc).slice(1), { stdio: "ignore" }),
    );
    return Promise.all(kids.map((k) => new Promise((res) => k.on("close", res)))).then(
      () => Number(process.hrtime.bigint() - t) / 1e6,
    );
  };
  // the floors: Node's start and the two builds through the buildx plugin, nothing else; and the
  // same after one lstat per context file (bench/lib/two-service-project.mjs)
  const plugin = findBuildxPlugin();
  const COLD_RUNS = Number(process.argv[4] ?? 5);
  const cold = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const n = `${Date.now()}-${i}`;
    const k1 = sh([process.execPath, kiln, "bake", "--jobs", "1", "--progress", "quiet"], {
      ...q,
      env: { ...env, NONCE: `k1${n}` },
    });
    const seq = sh(raw(`s${n}`, "api"), q) + sh(raw(`s${n}`, "web"), q);
    const k2 = sh([process.execPath, kiln, "bake", "--progress", "quiet"], {
      ...q,
      env: { ...env, NONCE: `k2${n}` },
    });
    const par = await parallel(`p${n}`);
    // the same bake with its builds through `docker buildx build` instead of the plugin itself
    const k2docker = sh([process.execPath, kiln, "bake", "--progress", "quiet"], {
      ...q,
      env: { ...env, NONCE: `kd${n}`, KILN_BUILDX_DIRECT: "0" },
    });
    const launcher = plugin
      ? sh([process.execPath, "-e", LAUNCHER, plugin, label, `n${n}`, dir], q)
      : Number.NaN;
    const walker = plugin
      ? sh([process.execPath, "-e", LAUNCHER, plugin, label, `w${n}`, dir], {
          ...q,
          env: { ...env, WALK: "1" },
        })
      : Number.NaN;
    cold.push({ k1, seq, k2, par, k2docker, launcher, walker });
  }
  const m = (key) => median(cold.map((c) => c[key]));
  // the median of each round's own ratio: the two sides of a round ran seconds apart, so a load
  // that comes and goes between rounds moves both
  const pr = (a, b) => median(cold.map((c) => c[a] / c[b])).toFixed(2);
  console.log(`cold bake (every step runs), median of ${COLD_RUNS}:`);
  console.log(
    `  kiln bake --jobs 1                   ${m("k1").toFixed(0).padStart(6)} ms   vs 2 raw builds in a row ${m("seq").toFixed(0)} ms = ${(m("k1") / m("seq")).toFixed(2)}× (round by round ${pr("k1", "seq")}×)`,
  );
  console.log(
    `  kiln bake (--jobs 2, the default)    ${m("k2").toFixed(0).padStart(6)} ms   vs 2 raw builds at once  ${m("par").toFixed(0)} ms = ${(m("k2") / m("par")).toFixed(2)}× (round by round ${pr("k2", "par")}×)`,
  );
  console.log(
    `                                                    vs 2 raw builds in a row = ${(m("k2") / m("seq")).toFixed(2)}×`,
  );
  console.log(
    `                                                    vs itself with KILN_BUILDX_DIRECT=0 (builds through docker) ${m("k2docker").toFixed(0)} ms = ${(m("k2") / m("k2docker")).toFixed(2)}×`,
  );
  if (plugin)
    console.log(
      `  floor: node start + the 2 builds through the plugin, at once, nothing else  ${m("launcher").toFixed(0)} ms = ${(m("launcher") / m("par")).toFixed(2)}× the raw builds at once (kiln/this ${(m("k2") / m("launcher")).toFixed(2)}×)`,
    );
  if (plugin)
    console.log(
      `  floor: the same after one lstat per context file              ${m("walker").toFixed(0)} ms = ${(m("walker") / m("par")).toFixed(2)}× the raw builds at once (kiln/this ${(m("k2") / m("walker")).toFixed(2)}×)`,
    );
} finally {
  removeBenchImages(label, dir, ["kilnbench-api", "kilnbench-web"]);
  rmSync(dir, { recursive: true, force: true });
  rmSync(state, { recursive: true, force: true });
  rmSync(`${dir}-baseline`, { recursive: true, force: true });
  rmSync(`${state}.baseline`, { recursive: true, force: true });
}

await podmanBake({ kiln, filesPer, runs });
