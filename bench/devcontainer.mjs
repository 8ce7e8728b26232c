#!/usr/bin/env node
// Time from a cold builder cache to a running dev container (issue #13): the real Dev Containers
// CLI's `devcontainer up` on a baked project (kiln bake pinned the compose service to the image
// with the Features and the UID layer in it) against `devcontainer up` on the same project
// unbaked (the CLI builds the service, then its Features image, then its UID layer).
// Project: test/fixtures/devcontainer/features — a compose devcontainer with two local Features
// and a non-root remoteUser. Each timed run gets a brand-new second engine (own data root, socket,
// bridge; started and stopped by pid, as in bench/sharing.mjs) holding the base image and, for
// the baked run, the images `kiln bake` made on it — then that engine's builder cache is cleared
// (never the main engine's). Untimed: starting the engine, loading the base image, the bake.
// Offline on engine 20.10 the unbaked `devcontainer up` needs `--buildkit never
// --omit-syntax-directive` (the engine's built-in frontend has no named build contexts; the
// CLI's `# syntax=` line would fetch a frontend image) — the flags kiln itself uses to install
// Features; the baked one builds nothing and runs with no flags.
// Run after `npm run build`, as root, with the engine up: node bench/devcontainer.mjs [runs]
import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, cpSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const kiln = path.join(root, "bin", "kiln");
const devcontainer = path.join(root, "node_modules", ".bin", "devcontainer");
const fixture = path.join(root, "test", "fixtures", "devcontainer", "features");
const base = "kiln-local/debian:bookworm";
const runs = Number(process.argv[2] ?? 1);
const label = `kiln.bench=devcontainer-${process.pid}`;
const offlineFlags = ["--buildkit", "never", "--omit-syntax-directive"];

function run(args, opts = {}) {
  const t = process.hrtime.bigint();
  const r = spawnSync(args[0], args.slice(1), { encoding: "utf8", maxBuffer: 1 << 28, ...opts });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0)
    throw new Error(`${args.join(" ")} failed (${r.status}):\n${(r.stderr ?? "").slice(-3000)}`);
  return { ms, stdout: r.stdout, stderr: r.stderr };
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(check, timeoutMs) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await sleep(50);
  }
  return false;
}
const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

// a second dockerd (see test/helpers/second-engine.ts for the rules: its own bridge, never
// --bridge=none or --default-address-pool, --iptables=false with our own NAT rules)
async function startEngine() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "kiln-bench-dc-"));
  let n = 0;
  for (let attempt = 0; ; attempt++) {
    n = 100 + Math.floor(Math.random() * 150);
    const r = spawnSync("ip", ["link", "add", `kilnbd${n}`, "type", "bridge"], { encoding: "utf8" });
    if (r.status === 0) break;
    if (attempt >= 30 || !/File exists/.test(r.stderr)) throw new Error(`ip link add: ${r.stderr}`);
  }
  const bridge = `kilnbd${n}`;
  const subnet = `10.216.${n}.0/24`;
  run(["ip", "addr", "add", `10.216.${n}.1/24`, "dev", bridge]);
  run(["ip", "link", "set", bridge, "up"]);
  const rules = [
    ["-t", "nat", "POSTROUTING", "-s", subnet, "!", "-o", bridge, "-j", "MASQUERADE"],
    ["FORWARD", "-o", bridge, "-j", "ACCEPT"],
    ["FORWARD", "-i", bridge, "-j", "ACCEPT"],
  ];
  const ipt = (op, r) =>
    spawnSync("iptables", r[0] === "-t" ? [r[0], r[1], op, ...r.slice(2)] : [op, ...r], { encoding: "utf8" });
  for (const r of rules) ipt("-I", r);
  const socket = path.join(dir, "docker.sock");
  const log = openSync(path.join(dir, "dockerd.log"), "a");
  const child = spawn(
    "dockerd",
    [
      "--data-root",
      path.join(dir, "data"),
      "--exec-root",
      path.join(dir, "exec"),
      "--pidfile",
      path.join(dir, "docker.pid"),
      "-H",
      `unix://${socket}`,
      `--bridge=${bridge}`,
      "--iptables=false",
    ],
    { stdio: ["ignore", log, log], detached: true },
  );
  child.unref();
  const ping = () =>
    new Promise((resolve) => {
      const req = http.request({ socketPath: socket, path: "/_ping" }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on("error", () => resolve(false));
      req.end();
    });
  const host = `unix://${socket}`;
  const engine = {
    host,
    subnet: `10.217.${n}.0/24`,
    async stop() {
      if (alive(child.pid)) {
        const ids = spawnSync("docker", ["-H", host, "ps", "-aq"], { encoding: "utf8" })
          .stdout.split("\n")
          .filter(Boolean);
        if (ids.length > 0) spawnSync("docker", ["-H", host, "rm", "-f", ...ids]);
        spawnSync("docker", ["-H", host, "network", "prune", "-f"]);
        process.kill(child.pid, "SIGTERM");
      }
      if (!(await until(() => !alive(child.pid), 20_000)) && alive(child.pid))
        process.kill(child.pid, "SIGKILL");
      await until(() => !alive(child.pid), 5_000);
      for (const r of rules) ipt("-D", r);
      spawnSync("ip", ["link", "del", bridge]);
      spawnSync("umount", ["-R", path.join(dir, "data")]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  if (!(await until(ping, 30_000))) {
    const tail = readFileSync(path.join(dir, "dockerd.log"), "utf8").slice(-2000);
    await engine.stop();
    throw new Error(`second dockerd did not start:\n${tail}`);
  }
  // the base image from the main engine (docker save | docker load): "images present"
  const tar = path.join(dir, "base.tar");
  run(["docker", "save", "-o", tar, base]);
  run(["docker", "-H", host, "load", "-q", "-i", tar]);
  rmSync(tar, { force: true });
  return engine;
}

function project(engine) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "kiln-bench-dcp-"));
  cpSync(fixture, dir, { recursive: true });
  // the engine's default address pools overlap the main engine's networks
  appendFileSync(
    path.join(dir, ".devcontainer", "docker-compose.yml"),
    `\nnetworks:\n  default:\n    ipam:\n      config:\n        - subnet: ${engine.subnet}\n`,
  );
  return dir;
}

function up(engine, dir, extra) {
  const env = { ...process.env, DOCKER_HOST: engine.host };
  delete env.COMPOSE_PROJECT_NAME;
  const r = run(
    [devcontainer, "up", "--workspace-folder", dir, "--id-label", label, "--log-level", "info", ...extra],
    { env, timeout: 600_000 },
  );
  const result = JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}");
  if (result.outcome !== "success") throw new Error(`devcontainer up: ${r.stdout}\n${r.stderr.slice(-3000)}`);
  const state = run([
    "docker",
    "-H",
    engine.host,
    "inspect",
    "-f",
    "{{.State.Running}} {{.Image}}",
    result.containerId,
  ])
    .stdout.trim()
    .split(" ");
  if (state[0] !== "true") throw new Error("the dev container is not running");
  return { ms: r.ms, image: state[1], log: r.stderr };
}

function images(engine) {
  return run(["docker", "-H", engine.host, "images", "-aq", "--no-trunc"]).stdout.split("\n").filter(Boolean);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const baked = [];
const unbaked = [];
let built = [];
for (let i = 0; i < runs; i++) {
  for (const kind of ["unbaked", "baked"]) {
    const engine = await startEngine();
    const dir = project(engine);
    try {
      if (kind === "baked") {
        const env = {
          ...process.env,
          DOCKER_HOST: engine.host,
          KILN_STATE_DIR: `${dir}.state`,
          KILN_LABELS: label,
        };
        const bake = JSON.parse(
          run([process.execPath, kiln, "bake", "--json", "--project-dir", dir], { env }).stdout,
        );
        const pinned = bake.services.find((s) => s.name === "app").image;
        const pinnedId = run([
          "docker",
          "-H",
          engine.host,
          "image",
          "inspect",
          "-f",
          "{{.Id}}",
          pinned,
        ]).stdout.trim();
        run(["docker", "-H", engine.host, "builder", "prune", "-af"]);
        const before = images(engine).length;
        const r = up(engine, dir, []);
        if (r.image !== pinnedId) throw new Error(`baked: the dev container runs ${r.image}, not ${pinned}`);
        if (images(engine).length !== before || /-features|-uid/.test(r.log))
          throw new Error("baked: devcontainer up built an image");
        if (process.env.BENCH_VERBOSE) console.error(r.log);
        baked.push(r.ms);
      } else {
        run(["docker", "-H", engine.host, "builder", "prune", "-af"]);
        unbaked.push(up(engine, dir, offlineFlags).ms);
        const tags = run(["docker", "-H", engine.host, "images", "--format", "{{.Repository}}"]).stdout;
        built = tags.split("\n").filter((t) => t && t !== base.split(":")[0] && t !== "<none>");
      }
    } finally {
      await engine.stop();
      rmSync(dir, { recursive: true, force: true });
      rmSync(`${dir}.state`, { recursive: true, force: true });
    }
  }
}
const b = median(baked);
const u = median(unbaked);
console.log(
  `time from a cold builder cache to a running dev container (median of ${runs}; fresh engine each):`,
);
console.log(
  `  fixture devcontainer/features (2 local Features, remoteUser dev): devcontainer up baked ${(b / 1000).toFixed(2)} s` +
    `  vs  unbaked ${(u / 1000).toFixed(2)} s  → ${(b / u).toFixed(2)}× (target ≤ 0.3×)`,
);
console.log(
  `  raw: baked ${baked.map((x) => x.toFixed(0)).join(", ")} ms; unbaked ${unbaked.map((x) => x.toFixed(0)).join(", ")} ms`,
);
console.log(
  `  unbaked ran \`devcontainer up ${offlineFlags.join(" ")}\`: offline on engine 20.10 the CLI's Features build needs them` +
    " (no named build contexts in the built-in frontend; no `# syntax=` frontend to fetch); baked ran plain `devcontainer up`",
);
console.log(
  `  images the unbaked up built: ${built.join(", ") || "none"}; the baked up built none (checked)`,
);
