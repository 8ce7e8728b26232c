/**
 * A throwaway registry for tests: Debian's `docker-registry` with its own config, listening on
 * 127.0.0.1 only (a free port), filesystem storage in a temp dir; stopped by its pid.
 * With `users`, it requires htpasswd Basic auth (bcrypt entries made by the caller's tool).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export interface TestRegistry {
  /** `127.0.0.1:PORT` */
  host: string;
  pid: number;
  dir: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} did not become ready within ${timeoutMs} ms`);
}

export async function startRegistry(options: { htpasswd?: string } = {}): Promise<TestRegistry> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "kiln-registry-"));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const auth = options.htpasswd
    ? (writeFileSync(path.join(dir, "htpasswd"), options.htpasswd),
      `auth:\n  htpasswd:\n    realm: kiln-test\n    path: ${path.join(dir, "htpasswd")}\n`)
    : "";
  const config = [
    "version: 0.1",
    "log:",
    "  level: warn",
    "storage:",
    "  filesystem:",
    `    rootdirectory: ${path.join(dir, "data")}`,
    "  delete:",
    "    enabled: true",
    "http:",
    `  addr: ${host}`,
    auth,
  ].join("\n");
  writeFileSync(path.join(dir, "config.yml"), config);
  const log = openSync(path.join(dir, "registry.log"), "a");
  const child = spawn("/usr/bin/docker-registry", ["serve", path.join(dir, "config.yml")], {
    stdio: ["ignore", log, log],
    detached: true,
  });
  child.unref();
  const pid = child.pid ?? 0;
  await waitFor(
    async () => {
      const r = await fetch(`http://${host}/v2/`);
      return r.status === 200 || r.status === 401;
    },
    10_000,
    `docker-registry on ${host}`,
  );
  return {
    host,
    pid,
    dir,
    async stop() {
      try {
        process.kill(pid, "SIGTERM");
      } catch {
        /* already gone */
      }
      await waitFor(
        async () => {
          try {
            process.kill(pid, 0);
            return false;
          } catch {
            return true;
          }
        },
        5_000,
        "registry exit",
      ).catch(() => process.kill(pid, "SIGKILL"));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
