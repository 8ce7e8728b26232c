#!/usr/bin/env node
// Time until a project's services run on a COLD second engine (a teammate's new machine, a CI
// runner): kiln's pull-or-build (`kiln up` with KILN_REGISTRY: the baked images come from the
// registry, nothing is built) against `docker compose up -d --build` on the same checkout.
// Engine A bakes and pushes once, untimed. Each timed run gets a brand-new engine B (own data
// root, socket, bridge; started and stopped by pid) holding only the base image, pulled from the
// same local registry the way a teammate pulls python:3.11-slim from Docker Hub — the same
// starting point for both tools, untimed.
// Also timed: the offline path, `kiln bundle import` of a bundle exported on A, then `kiln up`.
// Projects: test/fixtures/bake/basic (busybox, tiny builds) and a generated two-service Debian
// project whose builds apt-get install packages (a realistic dev image).
// Run after `npm run build`, as root, with the engine up: node bench/sharing.mjs [runs]
import { spawn, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startSecondEngine, until } from "./lib/second-engine.mjs";
import { median, run } from "./lib/timed.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const kiln = path.join(root, "bin", "kiln");
const runs = Number(process.argv[2] ?? 1);
const label = `kiln.bench=sharing-${process.pid}`;

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startRegistry() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "kiln-bench-reg-"));
  const host = `127.0.0.1:${await freePort()}`;
  writeFileSync(
    path.join(dir, "config.yml"),
    `version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/data\nhttp:\n  addr: ${host}\n`,
  );
  const log = openSync(path.join(dir, "log"), "a");
  const child = spawn("/usr/bin/docker-registry", ["serve", path.join(dir, "config.yml")], {
    stdio: ["ignore", log, log],
    detached: true,
  });
  child.unref();
  await until(
    () =>
      fetch(`http://${host}/v2/`).then(
        (r) => r.ok,
        () => false,
      ),
    10_000,
  );
  return {
    host,
    async stop() {
      if (alive(child.pid)) process.kill(child.pid, "SIGTERM");
      await until(() => !alive(child.pid), 5000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** a brand-new engine B (bench/lib/second-engine.mjs) holding only the base images */
async function startEngineB(baseImages) {
  const engine = await startSecondEngine();
  try {
    // the base image arrives the way a teammate gets python:3.11-slim: pulled from a registry
    // (so the engine knows its layers' registry digests), then named as the Dockerfiles name it
    for (const [image, mirror] of baseImages) {
      for (const args of [
        ["pull", "-q", mirror],
        ["tag", mirror, image],
        ["rmi", mirror],
      ]) {
        const r = engine.docker(args);
        if (r.code !== 0) throw new Error(`docker ${args.join(" ")} on engine B failed: ${r.stderr}`);
      }
    }
  } catch (e) {
    await engine.stop();
    throw e;
  }
  return engine;
}

function basicProject() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "kiln-bench-basic-"));
  cpSync(path.join(root, "test", "fixtures", "bake", "basic"), dir, { recursive: true });
  const f = path.join(dir, "docker-compose.yml");
  writeFileSync(f, readFileSync(f, "utf8").replace(/^\s*ports:.*\n/m, ""));
  for (const c of ["api", "worker"]) writeFileSync(path.join(dir, c, ".bench-id"), `${process.pid}\n`);
  return { dir, bases: ["kiln-local/busybox:latest"] };
}

function aptProject() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "kiln-bench-apt-"));
  const svc = (name, packages) => {
    mkdirSync(path.join(dir, name));
    writeFileSync(path.join(dir, name, "app.txt"), `${name} ${process.pid}\n`);
    writeFileSync(
      path.join(dir, name, "Dockerfile"),
      [
        "FROM kiln-local/debian:bookworm",
        "RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \\",
        "    --mount=type=cache,target=/var/lib/apt,sharing=locked \\",
        `    apt-get update && apt-get install -y --no-install-recommends ${packages}`,
        "COPY app.txt /app/app.txt",
        'CMD ["sleep", "infinity"]',
        "",
      ].join("\n"),
    );
  };
  svc("api", "python3");
  svc("worker", "python3 curl");
  writeFileSync(
    path.join(dir, "compose.yaml"),
    "services:\n  api:\n    build: ./api\n    init: true\n  worker:\n    build: ./worker\n    init: true\n",
  );
  return { dir, bases: ["kiln-local/debian:bookworm"] };
}

function running(host, project) {
  const out = run([
    "docker",
    "-H",
    host,
    "ps",
    "-a",
    "--filter",
    `label=com.docker.compose.project=${project}`,
    "--format",
    "{{.State}}",
  ]).stdout;
  // started: running, or already exited (the fixture's api prints a file and exits)
  return out.split("\n").filter((s) => s === "running" || s === "exited").length;
}

const registry = await startRegistry();
const results = [];
try {
  const only = process.env.BENCH_ONLY;
  for (const make of [basicProject, aptProject].filter((m) => !only || m.name.startsWith(only))) {
    const proj = make();
    const where = `${registry.host}/bench/${path.basename(proj.dir).toLowerCase()}`;
    const stateA = `${proj.dir}.stateA`;
    const pristine = mkdtempSync(path.join(os.tmpdir(), "kiln-bench-src-"));
    cpSync(proj.dir, pristine, { recursive: true });
    // base images are served by the same registry (no image can be pulled from Docker Hub here)
    const mirrors = proj.bases.map((image) => [
      image,
      `${registry.host}/bench-base/${image.replace(/^.*\//, "")}`,
    ]);
    for (const [image, mirror] of mirrors) {
      run(["docker", "tag", image, mirror]);
      run(["docker", "push", "-q", mirror]);
      run(["docker", "rmi", mirror]);
    }
    run([process.execPath, kiln, "bake", "--push", "--registry", where, "--project-dir", proj.dir], {
      env: { ...process.env, KILN_STATE_DIR: stateA, KILN_LABELS: label },
    });
    // the offline path: a bundle of the baked images, exported on A (untimed)
    const bundle = path.join(pristine + ".kiln");
    run([process.execPath, kiln, "bundle", "export", bundle, "--project-dir", proj.dir], {
      env: { ...process.env, KILN_STATE_DIR: stateA },
    });
    const k = [];
    const c = [];
    const u = [];
    for (let i = 0; i < runs; i++) {
      for (const tool of ["kiln", "compose", "bundle"]) {
        const b = await startEngineB(mirrors);
        const copy = mkdtempSync(path.join(os.tmpdir(), "kiln-bench-b-"));
        cpSync(pristine, copy, { recursive: true });
        // engine B's default address pools overlap engine A's networks: give compose a subnet
        const composeFile = ["docker-compose.yml", "compose.yaml"]
          .map((f) => path.join(copy, f))
          .find((f) => existsSync(f));
        b.isolateNetwork(composeFile);
        const name = `bench${process.pid}${tool}${i}`;
        try {
          const env = {
            ...process.env,
            DOCKER_HOST: b.host,
            KILN_STATE_DIR: `${copy}.state`,
            COMPOSE_PROJECT_NAME: name,
          };
          if (tool === "kiln") {
            const r = run([process.execPath, kiln, "up", "-p", name, "--project-dir", copy], {
              env: { ...env, KILN_REGISTRY: where },
            });
            k.push(r.ms);
            if (process.env.BENCH_VERBOSE) console.error(r.stderr);
          } else if (tool === "bundle") {
            const a = run([process.execPath, kiln, "bundle", "import", bundle], { env });
            const r = run([process.execPath, kiln, "up", "-p", name, "--project-dir", copy], { env });
            u.push(a.ms + r.ms);
          } else {
            const r = run(
              ["docker", "compose", "--project-directory", copy, "-p", name, "up", "-d", "--build"],
              { env },
            );
            c.push(r.ms);
          }
          if (running(b.host, name) < 2) throw new Error(`${tool}: services not running on engine B`);
        } finally {
          await b.stop();
          rmSync(copy, { recursive: true, force: true });
          rmSync(`${copy}.state`, { recursive: true, force: true });
        }
      }
    }
    results.push({
      project:
        make === basicProject
          ? "fixture bake/basic (busybox)"
          : "generated apt project (debian + python3/curl)",
      kiln: median(k),
      compose: median(c),
      bundle: median(u),
    });
    rmSync(bundle, { force: true });
    rmSync(proj.dir, { recursive: true, force: true });
    rmSync(pristine, { recursive: true, force: true });
    rmSync(stateA, { recursive: true, force: true });
  }
} finally {
  await registry.stop();
  const ids = spawnSync("docker", ["images", "-q", "--filter", `label=${label}`], { encoding: "utf8" })
    .stdout.split("\n")
    .filter(Boolean);
  if (ids.length > 0) spawnSync("docker", ["rmi", "-f", ...new Set(ids)]);
}
console.log(`time until the services run on a cold engine B (median of ${runs}):`);
for (const r of results) {
  console.log(
    `  ${r.project}: kiln up (pull-or-build) ${(r.kiln / 1000).toFixed(2)} s  vs  docker compose up --build ${(r.compose / 1000).toFixed(2)} s  → ${(r.kiln / r.compose).toFixed(2)}×;` +
      `  kiln bundle import + kiln up ${(r.bundle / 1000).toFixed(2)} s → ${(r.bundle / r.compose).toFixed(2)}×`,
  );
}
