// A second Docker engine on this machine, standing in for a teammate's machine or a CI runner:
// its own data root, exec root, pid file, unix socket and bridge, started empty (no images, no
// build cache) and stopped by its pid. Shared by the benches (bench/sharing.mjs,
// bench/devcontainer.mjs) and the integration tests (test/helpers/second-engine.ts re-exports
// it; types in second-engine.d.mts). Per docs/engines.md and ENVIRONMENT.md: never
// `--bridge=none` and never `--default-address-pool` (both delete the first engine's docker0),
// and `--iptables=false` with our own NAT rules for its subnet (a daemon managing iptables
// flushes the first one's chains).
import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";

function sh(args, allowFailure = false) {
  const r = spawnSync(args[0], args.slice(1), { encoding: "utf8" });
  if (r.status !== 0 && !allowFailure) throw new Error(`${args.join(" ")} failed: ${r.stderr}`);
}

function ping(socket) {
  return new Promise((resolve) => {
    const req = http.request({ socketPath: socket, path: "/_ping", timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("error", () => resolve(false));
    req.end();
  });
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** polls `check` every 50 ms until it is true (→ true) or `timeoutMs` passed (→ false) */
export async function until(check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/** iptables -I/-D for a rule written as [chain, ...] or ["-t", table, chain, ...] */
function iptables(op, rule) {
  const table = rule[0] === "-t" ? rule.slice(0, 2) : [];
  const rest = rule[0] === "-t" ? rule.slice(2) : rule;
  sh(["iptables", ...table, op, ...rest], true);
}

export async function startSecondEngine() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "kiln-eb-"));
  // tests and benches start engines at once: pick a bridge number nobody holds (creating the
  // link is the atomic claim; "File exists" means another one took it first). The number also
  // names the engine's subnets, so they never collide either.
  let n = 0;
  for (let attempt = 0; ; attempt++) {
    n = 100 + Math.floor(Math.random() * 150);
    const r = spawnSync("ip", ["link", "add", `kilnb${n}`, "type", "bridge"], { encoding: "utf8" });
    if (r.status === 0) break;
    if (attempt >= 30 || !/File exists/.test(r.stderr)) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`ip link add kilnb${n} type bridge failed: ${r.stderr}`);
    }
  }
  const bridge = `kilnb${n}`;
  const subnet = `10.213.${n}.0/24`;
  const projectSubnet = `10.215.${n}.0/24`;
  const rules = [
    ["-t", "nat", "POSTROUTING", "-s", subnet, "!", "-o", bridge, "-j", "MASQUERADE"],
    ["FORWARD", "-o", bridge, "-j", "ACCEPT"],
    ["FORWARD", "-i", bridge, "-j", "ACCEPT"],
  ];
  const socket = path.join(dir, "docker.sock");
  const host = `unix://${socket}`;
  let pid = 0;

  const docker = (args, input) => {
    const r = spawnSync("docker", ["-H", host, ...args], {
      encoding: "utf8",
      ...(input ? { input } : {}),
      maxBuffer: 1 << 30,
    });
    return { code: r.status ?? 1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
  };

  const engine = {
    dir,
    socket,
    host,
    get pid() {
      return pid;
    },
    bridge,
    docker,
    projectSubnet,
    isolateNetwork(composeFile) {
      appendFileSync(
        composeFile,
        `\nnetworks:\n  default:\n    ipam:\n      config:\n        - subnet: ${projectSubnet}\n`,
      );
    },
    loadFromFirst(images) {
      const file = path.join(dir, "images.tar");
      sh(["docker", "save", "-o", file, ...images]);
      const r = docker(["load", "-q", "-i", file]);
      rmSync(file, { force: true });
      if (r.code !== 0) throw new Error(`load into the second engine failed: ${r.stderr}`);
    },
    async stop() {
      // a stopped daemon leaves its user-defined networks' bridges on the host (with routes
      // that then exhaust the first engine's address pools): remove them while it still runs
      if (pid && alive(pid)) {
        const ids = docker(["ps", "-aq"]).stdout.split("\n").filter(Boolean);
        if (ids.length > 0) docker(["rm", "-f", ...ids]);
        docker(["network", "prune", "-f"]);
        process.kill(pid, "SIGTERM");
        if (!(await until(() => !alive(pid), 20_000)) && alive(pid)) process.kill(pid, "SIGKILL");
        await until(() => !alive(pid), 5_000);
      }
      for (const r of rules) iptables("-D", r);
      sh(["ip", "link", "del", bridge], true);
      sh(["umount", "-R", path.join(dir, "data")], true);
      rmSync(dir, { recursive: true, force: true });
    },
  };

  try {
    sh(["ip", "addr", "add", `10.213.${n}.1/24`, "dev", bridge]);
    sh(["ip", "link", "set", bridge, "up"]);
    for (const r of rules) iptables("-I", r);
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
        host,
        `--bridge=${bridge}`,
        "--iptables=false",
      ],
      { stdio: ["ignore", log, log], detached: true },
    );
    child.unref();
    pid = child.pid ?? 0;
    if (!(await until(() => ping(socket), 30_000))) {
      const tail = readFileSync(path.join(dir, "dockerd.log"), "utf8").slice(-2000);
      throw new Error(`second dockerd did not start:\n${tail}`);
    }
  } catch (e) {
    await engine.stop();
    throw e;
  }
  return engine;
}
