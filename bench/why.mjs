#!/usr/bin/env node
// `kiln why` on a 20,000-file context against a no-op `kiln bake` of the same project, in one run
// (#15 asks for ≤ 2×). The Dockerfile copies the whole context, so both fingerprint every file;
// `why` then also diffs the two 20,000-entry records and maps the change to its step.
// Run after `npm run build` with the engine up: node bench/why.mjs [files] [runs]
import { spawnSync } from "node:child_process";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const kiln = path.join(root, "bin", "kiln");
const files = Number(process.argv[2] ?? 20000);
const runs = Number(process.argv[3] ?? 7);
const label = `kiln.bench=${process.pid}`;

function sh(args, opts) {
  const t = process.hrtime.bigint();
  const r = spawnSync(args[0], args.slice(1), { encoding: "utf8", ...opts });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(" ")} failed (${r.status}):\n${r.stderr}`);
  return ms;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const timeIt = (args, opts) => median(Array.from({ length: runs }, () => sh(args, opts)));

const dir = mkdtempSync(path.join(os.tmpdir(), "kiln-bench-why-"));
const state = `${dir}.state`;
try {
  const ctx = path.join(dir, "app");
  for (let i = 0; i < files; i++) {
    const sub = path.join(ctx, "src", `d${i % 100}`);
    if (i < 100) mkdirSync(sub, { recursive: true });
    writeFileSync(path.join(sub, `f${i}.txt`), `file ${i} ${dir}\n`);
  }
  writeFileSync(
    path.join(ctx, "Dockerfile"),
    "FROM kiln-local/busybox:latest\nCOPY . /app\nRUN ls -R /app | wc -l > /count\n",
  );
  writeFileSync(path.join(dir, "docker-compose.yml"), "services:\n  app:\n    build: ./app\n");
  const env = { ...process.env, KILN_STATE_DIR: state, KILN_LABELS: label, NO_COLOR: "1" };
  const q = { env, cwd: dir, stdio: ["ignore", "ignore", "pipe"] };
  sh([process.execPath, kiln, "bake", "--progress", "quiet"], q);
  const bake = timeIt([process.execPath, kiln, "bake", "--progress", "quiet"], q);
  const whyFresh = timeIt([process.execPath, kiln, "why"], q);
  appendFileSync(path.join(ctx, "src", "d7", "f7.txt"), "changed\n");
  const whyStale = timeIt([process.execPath, kiln, "why"], q);
  const whyJson = timeIt([process.execPath, kiln, "why", "--json"], q);
  console.log(`kiln why, one service, ${files} context files, median of ${runs}:`);
  console.log(`  kiln bake (no-op)              ${bake.toFixed(0).padStart(6)} ms`);
  console.log(
    `  kiln why (fresh)               ${whyFresh.toFixed(0).padStart(6)} ms   = ${(whyFresh / bake).toFixed(2)}× no-op bake`,
  );
  console.log(
    `  kiln why (one file changed)    ${whyStale.toFixed(0).padStart(6)} ms   = ${(whyStale / bake).toFixed(2)}× no-op bake (target ≤ 2×)`,
  );
  console.log(
    `  kiln why --json (same)         ${whyJson.toFixed(0).padStart(6)} ms   = ${(whyJson / bake).toFixed(2)}× no-op bake`,
  );
} finally {
  spawnSync(
    "sh",
    ["-c", `docker image ls -q --filter label=${label} | sort -u | xargs -r docker image rm -f`],
    {
      stdio: "ignore",
    },
  );
  rmSync(dir, { recursive: true, force: true });
  rmSync(state, { recursive: true, force: true });
}
