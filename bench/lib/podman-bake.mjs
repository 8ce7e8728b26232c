// The Podman part of bench/bake.mjs (#18): when Podman's API socket answers, the same
// generated two-service project baked by kiln on Podman (DOCKER_HOST at the socket: kiln runs
// `podman build --layers`) against what a Podman user would run otherwise:
//   no-op: kiln bake (already baked)  vs  two `podman build --layers` in a row  vs  `podman-compose build`
//   cold:  kiln bake after the layer cache is cleared  vs  the same two raw `podman build` runs
// "Cold" on Buildah: with --layers every step's result is kept as an intermediate image in
// containers-storage and a later build reuses the one whose parent and instruction match. The
// bench removes every image it made (final and intermediate: Buildah gives each one the
// build's --label, so `podman images -a --filter label=…` finds them all) before each cold
// build, and gives each build a fresh NONCE (an ARG of the first RUN) as well, so no step
// after FROM can come from the cache. The FROM base (a local image) stays; no cache mounts.
import { spawnSync } from "node:child_process";
import http from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { generateTwoServiceProject } from "./two-service-project.mjs";

export const PODMAN_SOCKET = "/run/podman/podman.sock";

function answers(socketPath) {
  return new Promise((resolve) => {
    const req = http.get({ socketPath, path: "/_ping", timeout: 3000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
  });
}

function sh(args, opts = {}) {
  const t = process.hrtime.bigint();
  const r = spawnSync(args[0], args.slice(1), { encoding: "utf8", ...opts });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(" ")} failed (${r.status}):\n${r.stderr}`);
  return ms;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * prints the Podman no-op and cold ratios; skipped (with a line saying so) when the socket
 * does not answer or the podman CLI is missing
 */
export async function podmanBake({ kiln, filesPer, runs, socket = PODMAN_SOCKET }) {
  if (!(await answers(socket))) {
    console.log(`podman: nothing answers at ${socket} (scripts/podman-engine.sh starts it) — skipped`);
    return;
  }
  if (spawnSync("podman", ["--version"], { stdio: "ignore" }).status !== 0) {
    console.log("podman: no podman CLI on PATH — skipped");
    return;
  }
  const hasPodmanCompose = spawnSync("podman-compose", ["version"], { stdio: "ignore" }).status === 0;
  const label = `kiln.bench=podman-${process.pid}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), "kiln-bench-podman-"));
  const state = `${dir}.state`;
  const composeProject = `kilnbenchpodman${process.pid}`;
  const env = {
    ...process.env,
    DOCKER_HOST: `unix://${socket}`,
    KILN_STATE_DIR: state,
    KILN_LABELS: label,
    NO_COLOR: "1",
  };
  const q = { env, cwd: dir, stdio: ["ignore", "ignore", "pipe"], maxBuffer: 1 << 26 };
  const bake = (extra = [], nonce) =>
    sh([process.execPath, kiln, "bake", "--progress", "quiet", ...extra], {
      ...q,
      env: nonce === undefined ? env : { ...env, NONCE: nonce },
    });
  const raw = (svc, nonce) =>
    sh(
      [
        "podman",
        "build",
        "--layers",
        "--label",
        label,
        "--build-arg",
        `NONCE=${nonce}`,
        "-t",
        `kiln-bench-podman-${svc}:raw`,
        path.join(dir, svc),
      ],
      q,
    );
  const rawPair = (nonce) => raw("api", nonce) + raw("web", nonce);
  const podmanCompose = () =>
    sh(["podman-compose", "-f", "compose.orig.yml", "-p", composeProject, "build"], q);
  const clear = () => {
    const ids = spawnSync("podman", ["images", "-a", "-q", "--filter", `label=${label}`], {
      encoding: "utf8",
    }).stdout.split("\n");
    const unique = [...new Set(ids.filter(Boolean))];
    if (unique.length > 0) spawnSync("podman", ["rmi", "-f", ...unique], { stdio: "ignore" });
  };
  const timeIt = (name, fn) => {
    const xs = [];
    for (let i = 0; i < runs; i++) xs.push(fn());
    return { name, ms: median(xs) };
  };
  try {
    generateTwoServiceProject(dir, filesPer);
    // warm everything once (NONCE 0, as the compose file's default)
    bake();
    rawPair("0");
    if (hasPodmanCompose) podmanCompose();

    const results = [
      timeIt("kiln bake (no-op)", () => bake()),
      timeIt("2 × podman build --layers (no-op)", () => rawPair("0")),
      ...(hasPodmanCompose ? [timeIt("podman-compose build (no-op)", podmanCompose)] : []),
    ];
    const kilnMs = results[0].ms;
    console.log(`podman ${spawnSync("podman", ["--version"], { encoding: "utf8" }).stdout.trim()}:`);
    console.log(`no-op bake on Podman, ${filesPer} files per service, median of ${runs}:`);
    for (const r of results)
      console.log(
        `  ${r.name.padEnd(36)} ${r.ms.toFixed(0).padStart(6)} ms   kiln/this = ${(kilnMs / r.ms).toFixed(2)}×`,
      );
    if (!hasPodmanCompose) console.log("  (podman-compose not installed: its line is left out)");

    // cold: the bench's images (final and intermediate) removed before each build, fresh NONCE
    const cold = [];
    for (let i = 0; i < 3; i++) {
      const n = `${Date.now()}-${i}`;
      clear();
      const k1 = bake(["--jobs", "1"], `k1${n}`);
      clear();
      const k2 = bake([], `k2${n}`);
      clear();
      const seq = rawPair(`s${n}`);
      cold.push({ k1, k2, seq });
    }
    const m = (key) => median(cold.map((c) => c[key]));
    console.log("cold bake on Podman (layer cache cleared: the bench's images removed), median of 3:");
    console.log(
      `  kiln bake --jobs 1                   ${m("k1").toFixed(0).padStart(6)} ms   vs 2 raw podman builds in a row ${m("seq").toFixed(0)} ms = ${(m("k1") / m("seq")).toFixed(2)}×`,
    );
    console.log(
      `  kiln bake (--jobs 2, the default)    ${m("k2").toFixed(0).padStart(6)} ms   vs 2 raw podman builds in a row = ${(m("k2") / m("seq")).toFixed(2)}×`,
    );
  } finally {
    clear();
    // kiln's project tags and podman-compose's images are named, not all labelled
    const project = path.basename(dir).toLowerCase();
    const names = spawnSync("podman", ["images", "--format", "{{.Repository}}:{{.Tag}}"], {
      encoding: "utf8",
    })
      .stdout.split("\n")
      .filter((n) => n.includes(project) || n.includes(composeProject));
    if (names.length > 0) spawnSync("podman", ["rmi", "-f", ...names], { stdio: "ignore" });
    rmSync(dir, { recursive: true, force: true });
    rmSync(state, { recursive: true, force: true });
  }
}
