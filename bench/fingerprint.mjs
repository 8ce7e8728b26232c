#!/usr/bin/env node
// Fingerprinting a generated 20,000-file context, cold (no stat cache) and warm (cache present),
// against baselines measured in the same run: a plain Node walk + one lstat per entry, `find`,
// and `tar c` of the whole context into a pipe (what reading every byte costs).
// Run: npm run build && node bench/fingerprint.mjs [--files N] [--runs N]
import { spawn, spawnSync } from "node:child_process";
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { fingerprintServices } = await import(path.join(repo, "dist/adapters/fs/fingerprint-services.js"));

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const FILES = arg("files", 20_000);
const RUNS = arg("runs", 7);

const root = mkdtempSync(path.join(os.tmpdir(), "kiln-bench-fp-"));
const ctx = path.join(root, "ctx");
const cacheFile = path.join(root, "state", "stat-cache.json");

function generate() {
  // 20 top folders × 10 subfolders × N files, 100 B – 12 KB each, plus ignored noise
  const perDir = Math.ceil(FILES / 200);
  let n = 0;
  const old = Date.now() / 1000 - 3600; // an hour ago: past git's racy window, like real sources
  for (let a = 0; a < 20 && n < FILES; a++) {
    for (let b = 0; b < 10 && n < FILES; b++) {
      const dir = path.join(ctx, `pkg${a}`, `mod${b}`);
      mkdirSync(dir, { recursive: true });
      for (let c = 0; c < perDir && n < FILES; c++, n++) {
        const file = path.join(dir, `file${c}.${c % 3 === 0 ? "ts" : c % 3 === 1 ? "json" : "md"}`);
        writeFileSync(file, `// ${a}/${b}/${c}\n`.repeat(4 + ((n * 37) % 500)));
        utimesSync(file, old, old);
      }
    }
  }
  mkdirSync(path.join(ctx, "node_modules", "dep"), { recursive: true });
  for (let i = 0; i < 500; i++) writeFileSync(path.join(ctx, "node_modules", "dep", `x${i}.js`), "ignored");
  writeFileSync(path.join(ctx, "Dockerfile"), "FROM kiln-local/busybox:latest\nCOPY . /app\n");
  writeFileSync(path.join(ctx, ".dockerignore"), "node_modules\n**/*.log\n!keep.log\n");
  for (const f of ["Dockerfile", ".dockerignore"]) utimesSync(path.join(ctx, f), old, old);
}

function nodeWalkLstat(dir) {
  let count = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    lstatSync(p);
    count++;
    if (entry.isDirectory()) count += nodeWalkLstat(p);
  }
  return count;
}

function tarToPipe() {
  return new Promise((resolve, reject) => {
    const child = spawn("tar", ["c", "-C", ctx, "."], { stdio: ["ignore", "pipe", "inherit"] });
    let bytes = 0;
    child.stdout.on("data", (chunk) => (bytes += chunk.length));
    child.on("error", reject);
    child.on("close", () => resolve(bytes));
  });
}

const build = {
  context: ctx,
  contextIsRemote: false,
  dockerfile: path.join(ctx, "Dockerfile"),
  args: {},
  labels: {},
  extraHosts: [],
  secrets: [],
  ssh: [],
  additionalContexts: {},
  cacheFrom: [],
  cacheTo: [],
  noCache: false,
  pull: false,
  platforms: [],
  tags: [],
};
const fingerprint = (withCache = true) =>
  fingerprintServices([{ service: "app", build }], {
    resolveImageId: async () => "sha256:base",
    serviceImageNames: {},
    cacheFile: withCache ? cacheFile : undefined,
  });

async function time(fn) {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const value = await fn();
  const c = process.cpuUsage(c0);
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, cpu: (c.user + c.system) / 1000, value };
}

/** median wall time and median CPU time (this process only) of `runs` runs */
async function median(fn, runs = RUNS) {
  const times = [];
  const cpus = [];
  let value;
  for (let i = 0; i < runs; i++) {
    const r = await time(fn);
    times.push(r.ms);
    cpus.push(r.cpu);
    value = r.value;
  }
  const mid = (xs) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  return { ms: mid(times), cpu: mid(cpus), value };
}

const fmt = (ms) => `${ms.toFixed(1).padStart(8)} ms`;

try {
  const gen = await time(generate);
  console.log(`generated ${FILES} files (+500 ignored) in ${root} in ${gen.ms.toFixed(0)} ms`);

  const walk = await median(() => nodeWalkLstat(ctx));
  const find = await median(
    () =>
      spawnSync("find", [ctx, "-type", "f"], { maxBuffer: 1 << 28 })
        .stdout.toString()
        .split("\n").length - 1,
  );
  const tar = await median(tarToPipe, 3);

  rmSync(cacheFile, { force: true });
  const cold = await time(() => fingerprint());
  const coldNoCache = await median(() => fingerprint(false), 3);
  const warm = await median(() => fingerprint());
  const files = Object.keys(warm.value.get("app").files).length;
  if (warm.value.get("app").hash !== cold.value.get("app").hash)
    throw new Error("warm and cold fingerprints differ");

  // warm in a fresh process: what `kiln` pays on a no-op (Node start + module load + walk)
  const script = `const { fingerprintServices } = await import(${JSON.stringify(path.join(repo, "dist/adapters/fs/fingerprint-services.js"))});
    const t0 = process.hrtime.bigint();
    await fingerprintServices([{ service: "app", build: ${JSON.stringify(build)} }], { resolveImageId: async () => "sha256:base", serviceImageNames: {}, cacheFile: ${JSON.stringify(cacheFile)} });
    process.stdout.write(String(Number(process.hrtime.bigint() - t0) / 1e6));`;
  const freshRuns = [];
  const fresh = await median(() => {
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(r.stderr);
    freshRuns.push(Number(r.stdout));
  }, 5);
  freshRuns.sort((x, y) => x - y);
  fresh.value = freshRuns[Math.floor(freshRuns.length / 2)];
  const nodeStart = await median(() => spawnSync(process.execPath, ["-e", ""]), 5);

  console.log(
    `\ncontext: ${find.value} files on disk, ${files} entries sent (files + dirs), ${(tar.value / 1e6).toFixed(1)} MB as tar\n`,
  );
  console.log("baselines");
  console.log(
    `  node walk + lstat per entry    ${fmt(walk.ms)}   (${walk.value} entries; CPU ${fmt(walk.cpu)})`,
  );
  console.log(`  find -type f (spawned)         ${fmt(find.ms)}`);
  console.log(`  tar c into a pipe (spawned)    ${fmt(tar.ms)}`);
  console.log(`  node -e '' (start-up)          ${fmt(nodeStart.ms)}`);
  console.log("kiln fingerprint");
  console.log(`  cold (no stat cache, 1st run)  ${fmt(cold.ms)}   = ${(cold.ms / tar.ms).toFixed(2)}× tar`);
  console.log(
    `  cold (no cache file at all)    ${fmt(coldNoCache.ms)}   = ${(coldNoCache.ms / tar.ms).toFixed(2)}× tar`,
  );
  console.log(
    `  warm (in process, median)      ${fmt(warm.ms)}   = ${(warm.ms / walk.ms).toFixed(2)}× node walk+lstat, ${(warm.ms / find.ms).toFixed(2)}× find   (target ≤ 150 ms: ${warm.ms <= 150 ? "met" : "MISSED"})`,
  );
  console.log(
    `  warm CPU time (median)         ${fmt(warm.cpu)}   = ${(warm.cpu / walk.cpu).toFixed(2)}× the walk's CPU time`,
  );
  console.log(`  warm (fresh process, in-proc)  ${fmt(fresh.value)}   (whole process: ${fmt(fresh.ms)})`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
