/**
 * Node and npm for a build context on a machine without network: the host's own node binary and
 * npm package copied into `<dir>/node-dist` (a Dockerfile COPYs it into a local base image), and
 * the host's CA bundle for npm's registry access as a build secret.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, cpSync, mkdirSync, symlinkSync } from "node:fs";
import path from "node:path";

export const HOST_CA = "/etc/ssl/certs/ca-certificates.crt";

export function provideNode(dir: string): void {
  const dist = path.join(dir, "node-dist");
  mkdirSync(path.join(dist, "bin"), { recursive: true });
  copyFileSync(process.execPath, path.join(dist, "bin", "node"));
  chmodSync(path.join(dist, "bin", "node"), 0o755);
  const root = spawnSync("npm", ["root", "-g"], { encoding: "utf8" }).stdout.trim();
  const npm = path.join(
    root || path.resolve(path.dirname(process.execPath), "..", "lib", "node_modules"),
    "npm",
  );
  cpSync(npm, path.join(dist, "lib", "node_modules", "npm"), { recursive: true });
  symlinkSync("../lib/node_modules/npm/bin/npm-cli.js", path.join(dist, "bin", "npm"));
}
