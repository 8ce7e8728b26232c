/**
 * A second Docker engine on this machine, standing in for a teammate's machine or a CI runner:
 * its own data root, exec root, pid file, unix socket and bridge, started empty (no images, no
 * build cache) and stopped by its pid. Per ENVIRONMENT.md: never `--bridge=none` and never
 * `--default-address-pool` (both delete the first engine's docker0), and `--iptables=false`
 * with our own NAT rules for its subnet (a daemon managing iptables flushes the first one's chains).
 */
import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";

export interface SecondEngine {
  dir: string;
  socket: string;
  /** `unix://DIR/docker.sock` — DOCKER_HOST for kiln and the docker CLI */
  host: string;
  pid: number;
  bridge: string;
  /** runs the docker CLI against this engine */
  docker(args: string[], input?: Buffer): { code: number; stdout: string; stderr: string };
  /**
   * a subnet for compose networks on this engine: its default address pools overlap the first
   * engine's networks (and --default-address-pool is off limits), so tests give the project's
   * default network this one explicitly
   */
  projectSubnet: string;
  /** appends `networks: default: ipam: subnet` (this engine's project subnet) to a compose file */
  isolateNetwork(composeFile: string): void;
  /** copies images from the first engine (docker save | load) */
  loadFromFirst(images: string[]): void;
  stop(): Promise<void>;
}

function sh(args: string[], allowFailure = false): void {
  const r = spawnSync(args[0] ?? "", args.slice(1), { encoding: "utf8" });
  if (r.status !== 0 && !allowFailure) throw new Error(`${args.join(" ")} failed: ${r.stderr}`);
}

function ping(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.request({ socketPath: socket, path: "/_ping", timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("error", () => resolve(false));
    req.end();
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

export async function startSecondEngine(): Promise<SecondEngine> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "kiln-eb-"));
  // several test files start engines at once: pick a bridge number nobody holds (creating the
  // link is the atomic claim; "File exists" means another one took it first)
  let n = 0;
  for (let attempt = 0; ; attempt++) {
    n = 100 + Math.floor(Math.random() * 150);
    const r = spawnSync("ip", ["link", "add", `kilnb${n}`, "type", "bridge"], { encoding: "utf8" });
    if (r.status === 0) break;
    if (attempt >= 30 || !/File exists/.test(r.stderr))
      throw new Error(`ip link add kilnb${n} type bridge failed: ${r.stderr}`);
  }
  const bridge = `kilnb${n}`;
  const subnet = `10.213.${n}.0/24`;
  sh(["ip", "addr", "add", `10.213.${n}.1/24`, "dev", bridge]);
  sh(["ip", "link", "set", bridge, "up"]);
  const nat = ["-t", "nat", "POSTROUTING", "-s", subnet, "!", "-o", bridge, "-j", "MASQUERADE"];
  const fwdIn = ["FORWARD", "-o", bridge, "-j", "ACCEPT"];
  const fwdOut = ["FORWARD", "-i", bridge, "-j", "ACCEPT"];
  const rules = [nat, fwdIn, fwdOut];
  for (const r of rules) {
    const table = r[0] === "-t" ? r.slice(0, 2) : [];
    const rest = r[0] === "-t" ? r.slice(2) : r;
    sh(["iptables", ...table, "-I", ...rest], true);
  }
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
  const pid = child.pid ?? 0;
  const host = `unix://${socket}`;
  if (!(await until(() => ping(socket), 30_000))) {
    const tail = readFileSync(path.join(dir, "dockerd.log"), "utf8").slice(-2000);
    throw new Error(`second dockerd did not start:\n${tail}`);
  }
  const docker = (args: string[], input?: Buffer): { code: number; stdout: string; stderr: string } => {
    const r = spawnSync("docker", ["-H", host, ...args], {
      encoding: "utf8",
      ...(input ? { input } : {}),
      maxBuffer: 1 << 30,
    });
    return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
  };
  return {
    dir,
    socket,
    host,
    pid,
    bridge,
    docker,
    projectSubnet: `10.215.${n}.0/24`,
    isolateNetwork(composeFile: string) {
      appendFileSync(
        composeFile,
        `\nnetworks:\n  default:\n    ipam:\n      config:\n        - subnet: 10.215.${n}.0/24\n`,
      );
    },
    loadFromFirst(images: string[]) {
      const file = path.join(dir, "images.tar");
      sh(["docker", "save", "-o", file, ...images]);
      const r = docker(["load", "-q", "-i", file]);
      rmSync(file, { force: true });
      if (r.code !== 0) throw new Error(`load into the second engine failed: ${r.stderr}`);
    },
    async stop() {
      // a stopped daemon leaves its user-defined networks' bridges on the host (with routes
      // that then exhaust the first engine's address pools): remove them while it still runs
      if (alive(pid)) {
        const ids = docker(["ps", "-aq"]).stdout.split("\n").filter(Boolean);
        if (ids.length > 0) docker(["rm", "-f", ...ids]);
        docker(["network", "prune", "-f"]);
      }
      if (alive(pid)) process.kill(pid, "SIGTERM");
      if (!(await until(() => !alive(pid), 20_000)) && alive(pid)) process.kill(pid, "SIGKILL");
      await until(() => !alive(pid), 5_000);
      for (const r of rules) {
        const table = r[0] === "-t" ? r.slice(0, 2) : [];
        const rest = r[0] === "-t" ? r.slice(2) : r;
        sh(["iptables", ...table, "-D", ...rest], true);
      }
      sh(["ip", "link", "del", bridge], true);
      sh(["umount", "-R", path.join(dir, "data")], true);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
