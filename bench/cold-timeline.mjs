#!/usr/bin/env node
// Where a cold bake's time goes, next to the raw builds it replaces (#14). For each way of running
// the two services' builds: how long after its own start the first build's buildx process starts,
// how long the builds run (first start → last end), and how long it runs after the last build ended.
// The bench's end-to-end medians move by ±5% between runs on a noisy machine; these three parts
// show what kiln itself adds.
//
// How: a DOCKER_CONFIG of the bench's own whose cli-plugins/docker-buildx is a shell script that
// logs its start and end and runs the real plugin (the docker CLI looks there first, and so does
// kiln). The script's text is fixed: the log file and the real plugin come in through environment
// variables. Its two `date` calls cost each runner the same.
//
// Runners, in turns round by round, each with a fresh NONCE (every step after FROM runs):
//   raw      two `docker buildx build` at once — what a user would type
//   launcher Node's start, then the two builds through the plugin, nothing else
//   walker   the launcher after one lstat per context file (what fingerprinting must do first)
//   kiln     `kiln bake` (two jobs, the default)
// Usage: npm run build && node bench/cold-timeline.mjs [filesPerService=3000] [rounds=9]
import { spawn } from "node:child_process";
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { median } from "./lib/timed.mjs";
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
const rounds = Number(process.argv[3] ?? 9);
const label = `kiln.bench=timeline-${process.pid}`;

const WRAPPER = `#!/bin/sh
echo "start $(date +%s%N) $$ $1 $2" >> "$KILN_BENCH_TIMELINE_LOG"
"$KILN_BENCH_REAL_BUILDX" "$@"
rc=$?
echo "end $(date +%s%N) $$" >> "$KILN_BENCH_TIMELINE_LOG"
exit $rc
`;

const realPlugin = findBuildxPlugin();
if (!realPlugin) {
  console.log("cold-timeline: no docker-buildx CLI plugin found — skipped");
  process.exit(0);
}

const now = () => performance.timeOrigin + performance.now();

/**
 * the builds' starts and ends (ms, wall clock) from the wrapper's log; the plugin's other calls
 * (the docker CLI's metadata call, kiln's first-run probes) left out
 */
function buildTimes(log) {
  const lines = existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean) : [];
  const builds = new Set();
  const starts = [];
  const ends = [];
  for (const line of lines) {
    const [kind, ns, pid, first, second] = line.split(" ");
    const ms = Number(BigInt(ns) / 1000n) / 1000;
    if (kind === "start" && first === "buildx" && second === "build") {
      builds.add(pid);
      starts.push(ms);
    } else if (kind === "end" && builds.has(pid)) ends.push(ms);
  }
  return { starts, ends };
}

const dir = mkdtempSync(path.join(os.tmpdir(), "kiln-bench-timeline-"));
const state = `${dir}.state`;
const dockerConfig = `${dir}.docker`;
const log = `${dir}.log`;
try {
  generateTwoServiceProject(dir, filesPer);
  // the user's docker settings (builders, contexts, credentials), the plugin folder replaced
  const userConfig = process.env.DOCKER_CONFIG || path.join(os.homedir(), ".docker");
  if (existsSync(userConfig))
    cpSync(userConfig, dockerConfig, {
      recursive: true,
      filter: (src) => path.relative(userConfig, src) !== "cli-plugins",
    });
  mkdirSync(path.join(dockerConfig, "cli-plugins"), { recursive: true });
  const wrapper = path.join(dockerConfig, "cli-plugins", "docker-buildx");
  writeFileSync(wrapper, WRAPPER);
  chmodSync(wrapper, 0o755);

  const env = {
    ...process.env,
    DOCKER_CONFIG: dockerConfig,
    KILN_BENCH_TIMELINE_LOG: log,
    KILN_BENCH_REAL_BUILDX: realPlugin,
    KILN_STATE_DIR: state,
    KILN_LABELS: label,
    NO_COLOR: "1",
  };
  const launch = (nonce) => [[process.execPath, "-e", LAUNCHER, wrapper, label, nonce, dir]];
  /** each runner's processes (started at once) and what it adds to the environment */
  const runners = {
    raw: { run: (nonce) => SERVICES.map((svc) => rawBuild(dir, svc, label, nonce)) },
    launcher: { run: launch },
    walker: { run: launch, env: { WALK: "1" } },
    kiln: { run: () => [[process.execPath, kiln, "bake", "--progress", "quiet"]] },
  };
  /** runs one runner's processes at once; its start, its builds' starts and ends, its end */
  const time = async (name, nonce) => {
    rmSync(log, { force: true });
    const runEnv = { ...env, NONCE: nonce, ...runners[name].env };
    const t0 = now();
    const codes = await Promise.all(
      runners[name]
        .run(nonce)
        .map(
          (args) =>
            new Promise((resolve) =>
              spawn(args[0], args.slice(1), { cwd: dir, env: runEnv, stdio: "ignore" }).on("close", resolve),
            ),
        ),
    );
    const t1 = now();
    if (codes.some((c) => c !== 0)) throw new Error(`${name}: a process exited ${codes.join(", ")}`);
    const { starts, ends } = buildTimes(log);
    if (starts.length !== SERVICES.length || ends.length !== SERVICES.length)
      throw new Error(
        `${name}: ${starts.length} builds started and ${ends.length} ended, not ${SERVICES.length}`,
      );
    const first = Math.min(...starts);
    const last = Math.max(...ends);
    return { start: first - t0, builds: last - first, after: t1 - last, total: t1 - t0 };
  };

  // warm: kiln's first bake (its code cache, its state) and the engine's base image
  await time("kiln", "warm-k");
  await time("raw", "warm-r");
  const samples = Object.fromEntries(Object.keys(runners).map((n) => [n, []]));
  for (let i = 0; i < rounds; i++)
    for (const name of Object.keys(runners))
      samples[name].push(await time(name, `${name}-${process.pid}-${i}`));

  const m = (name, key) => median(samples[name].map((s) => s[key]));
  console.log(
    `cold builds of two ${filesPer}-file contexts at once, median of ${rounds} rounds (load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores):`,
  );
  console.log("  runner     first build starts   builds run   after the builds   total    total vs raw");
  for (const name of Object.keys(runners)) {
    const ratio = median(samples[name].map((s, i) => s.total / samples.raw[i].total));
    console.log(
      `  ${name.padEnd(9)} ${m(name, "start").toFixed(0).padStart(10)} ms ${m(name, "builds").toFixed(0).padStart(14)} ms ${m(name, "after").toFixed(0).padStart(12)} ms ${m(name, "total").toFixed(0).padStart(9)} ms ${ratio.toFixed(3).padStart(9)}× (round by round)`,
    );
  }
} finally {
  removeBenchImages(label, dir);
  for (const p of [dir, state, dockerConfig, log]) rmSync(p, { recursive: true, force: true });
}
