// The project bench/bake.mjs, its Podman part and bench/cold-timeline.mjs build: two services
// (api, web), each a context of `filesPer` small files in 50 directories and a Dockerfile whose
// first RUN reads the NONCE build argument — a new NONCE re-runs every step after FROM.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export const SERVICES = ["api", "web"];

/**
 * Writes the project into `dir`: docker-compose.yml (which a bake pins) and compose.orig.yml (the
 * same text, for the tools that build from it unpinned). `apiLabel`: a label the api service's
 * containers carry, so that a bench can find what it made.
 */
export function generateTwoServiceProject(dir, filesPer, { apiLabel } = {}) {
  for (const svc of SERVICES) {
    const ctx = path.join(dir, svc);
    for (let i = 0; i < filesPer; i++) {
      const sub = path.join(ctx, "src", `d${i % 50}`);
      if (i < 50) mkdirSync(sub, { recursive: true });
      writeFileSync(path.join(sub, `f${i}.txt`), `${svc} file ${i}\n`.repeat(8));
    }
    writeFileSync(
      path.join(ctx, "Dockerfile"),
      'FROM kiln-local/busybox:latest\nARG NONCE\nRUN echo "$NONCE" > /nonce && sleep 1\nCOPY . /app\nRUN ls -R /app | wc -l > /count\n',
    );
  }
  const labels = apiLabel ? `    labels: ["${apiLabel}"]\n` : "";
  const compose = `services:\n  api:\n    build:\n      context: ./api\n      args: { NONCE: "\${NONCE:-0}" }\n${labels}  web:\n    build:\n      context: ./web\n      args: { NONCE: "\${NONCE:-0}" }\n`;
  writeFileSync(path.join(dir, "docker-compose.yml"), compose);
  writeFileSync(path.join(dir, "compose.orig.yml"), compose);
}

/** the buildx CLI plugin docker would run (its user and system plugin directories), or undefined */
export function findBuildxPlugin() {
  return [
    path.join(os.homedir(), ".docker", "cli-plugins"),
    "/usr/local/lib/docker/cli-plugins",
    "/usr/local/libexec/docker/cli-plugins",
    "/usr/lib/docker/cli-plugins",
    "/usr/libexec/docker/cli-plugins",
  ]
    .map((d) => path.join(d, "docker-buildx"))
    .find((p) => existsSync(p));
}

/**
 * Node's start, then the two services' builds through the buildx plugin at once — the least any
 * Node launcher of those builds costs. Arguments: plugin, label, NONCE, project dir. With WALK=1
 * in its environment it first lstats every entry of both contexts: the least a tool that labels
 * an image with the fingerprint of its context must also do before the build starts.
 */
export const LAUNCHER = `const { spawn } = require("node:child_process");
const fs = require("node:fs");
const walk = (d) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) { const p = d + "/" + e.name; fs.lstatSync(p); if (e.isDirectory()) walk(p); } };
if (process.env.WALK === "1") for (const svc of ["api", "web"]) walk(process.argv[4] + "/" + svc);
for (const svc of ["api", "web"]) spawn(process.argv[1], ["buildx", "build", "--load", "--label", process.argv[2], "--build-arg", "NONCE=" + process.argv[3], "-t", "kiln-bench-" + svc + ":raw", process.argv[4] + "/" + svc], { stdio: "ignore", env: { ...process.env, DOCKER_CLI_PLUGIN_ORIGINAL_CLI_COMMAND: "docker" } }).on("exit", (code) => { if (code !== 0) process.exitCode = 1; });`;

/** the `docker buildx build` a user would run for `svc` */
export function rawBuild(dir, svc, label, nonce) {
  return [
    "docker",
    "buildx",
    "build",
    "--load",
    "--label",
    label,
    "--build-arg",
    `NONCE=${nonce}`,
    "-t",
    `kiln-bench-${svc}:raw`,
    path.join(dir, svc),
  ];
}

/**
 * Removes, from dockerd, the images a bench made in `dir`: those with its `label`, those whose
 * name holds the project's name (kiln names its images after the project, and a fingerprint is a
 * content address: an image an earlier run built for the same files is reused and tagged with
 * this run's name, without this run's label), the raw builds' tags and `extraNames`.
 */
export function removeBenchImages(label, dir, extraNames = []) {
  const docker = (args) => spawnSync("docker", args, { encoding: "utf8" }).stdout ?? "";
  const ids = docker(["image", "ls", "-q", "--filter", `label=${label}`])
    .split("\n")
    .filter(Boolean);
  const project = path.basename(dir).toLowerCase();
  const names = docker(["image", "ls", "--format", "{{.Repository}}:{{.Tag}}"])
    .split("\n")
    .filter((n) => n.includes(project));
  const all = [...new Set(ids), ...names, ...SERVICES.map((svc) => `kiln-bench-${svc}:raw`), ...extraNames];
  spawnSync("docker", ["image", "rm", "-f", ...all], { stdio: "ignore" });
}
