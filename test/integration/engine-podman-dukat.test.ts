/**
 * kiln on Podman with Podman alone (#18, DOCKER_HOST at its socket for kiln, compose, the Dev
 * Containers CLI and the example's scripts): the Buildah 1.28 lock hang worked around with a
 * rewritten copy of the Dockerfile, then examples/dukat (offline: local Debian base, loopback pip
 * index) — both services baked and pinned, a second bake builds nothing, status / volumes ls /
 * restore, `kiln up` starts both, and the Dev Containers CLI (`--docker-path podman`) opens the
 * baked devcontainer with no build. Everything made carries the run label and is removed from
 * Podman afterwards; nothing lands on dockerd.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bakeFixture, kilnBin, makeContextUnique, removeDir, repoRoot, testRunId } from "../helpers/kiln.js";
import {
  PODMAN_HOST,
  composeForDevcontainerCli,
  podman,
  removePodmanProject,
  podmanCliSetup,
  sweepPodman,
} from "../helpers/podman.js";

const { devcontainerCli, label, available } = podmanCliSetup("pdk");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 600_000): Run {
  const r = spawnSync(cmd, args, {
    cwd: repoRoot,
    env: { ...process.env, NO_COLOR: "1", ...env, DOCKER_HOST: PODMAN_HOST },
    encoding: "utf8",
    timeout: timeoutMs,
    maxBuffer: 1 << 28,
  });
  return {
    code: r.status ?? 128,
    stdout: r.stdout ?? "",
    stderr: r.stderr ?? "",
    timedOut: r.error !== undefined || r.signal !== null,
  };
}

function ok(r: Run, what: string): Run {
  if (r.code !== 0)
    throw new Error(`${what} exited ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  return r;
}

const kiln = (args: string[], env: NodeJS.ProcessEnv, timeoutMs?: number): Run =>
  run(process.execPath, [kilnBin, ...args], env, timeoutMs);

/** on dockerd (the default socket): nothing of this file's may be there */
function onDockerd(ref: string): boolean {
  const { DOCKER_HOST: _host, ...env } = process.env;
  void _host;
  return spawnSync("docker", ["image", "inspect", ref], { env, stdio: "ignore" }).status === 0;
}

function imageId(ref: string): string {
  const r = podman(["image", "inspect", "--format", "{{.Id}}", ref]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim();
}

interface BakeJson {
  services: { name: string; image: string; action: string; reason?: string }[];
  pinned?: string[];
}

const dirs: string[] = [];
const cleanups: (() => void)[] = [];
afterAll(() => {
  cleanups.forEach((c) => c());
  if (available) sweepPodman(label);
  dirs.forEach(removeDir);
}, 180_000);

describe.skipIf(!available)("the Buildah 1.28 sharing=locked hang, worked around (Podman)", () => {
  // cache ids of this run alone (removed afterwards from where Buildah keeps them)
  const cacheId = (name: string) => `kiln-p18-${testRunId()}-${name}`.replace(/[^A-Za-z0-9_.-]/g, "");
  const L = (name: string) => `--mount=type=cache,id=${cacheId(name)},target=/${name},sharing=locked`;
  afterAll(() => {
    for (const n of ["a", "b"])
      rmSync(path.join("/var/tmp/buildah-cache", cacheId(n)), { recursive: true, force: true });
  });
  // RUN /a locked + /b locked, then RUN /a locked: Buildah releases only /b's lock and waits
  // for /a's forever. The echo of a unique value keeps Buildah's layer cache from skipping the RUNs.
  const hazard = (id: string, base = "kiln-local/busybox:latest") =>
    [
      `FROM ${base}`,
      `RUN ${L("a")} ${L("b")} echo ${id} > /a/one && echo ${id} > /b/one`,
      `RUN ${L("a")} cat /a/one > /seen && sleep 1`,
      "",
    ].join("\n");

  it("the user's Dockerfile really hangs plain `podman build` (20 s timeout)", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "kiln-p18-hang-"));
    dirs.push(dir);
    const id = `raw-${testRunId()}-${Math.random()}`;
    // a base of its own name: Buildah names the working containers a killed build leaves after it
    const base = `localhost/kiln-p18-hang-${testRunId()}`.toLowerCase();
    expect(podman(["tag", "kiln-local/busybox:latest", base]).code).toBe(0);
    writeFileSync(path.join(dir, "Dockerfile"), hazard(id, base));
    const r = spawnSync("podman", ["build", "--layers", "--label", label, dir], {
      encoding: "utf8",
      timeout: 20_000,
    });
    // what the killed build left: its working containers and the layer it committed
    const layers = [...(r.stdout ?? "").matchAll(/^--> ([0-9a-f]{6,})$/gm)].map((m) => m[1] ?? "");
    cleanups.push(() => {
      const short = base.replace(/^localhost\//, "");
      for (const w of [short, ...layers]) podman(["rm", "-f", `${w}-working-container`]);
      podman(["rmi", base]);
      if (layers.length > 0) podman(["rmi", "-f", ...layers]);
    });
    // killed by the timeout (podman exits on SIGTERM, so the timeout shows as ETIMEDOUT)
    expect(r.error?.message, r.stdout + r.stderr).toContain("ETIMEDOUT");
    expect(r.stdout).toMatch(/STEP 3\/\d: RUN/);
    expect(r.stdout).not.toContain("COMMIT");
  }, 60_000);

  it("kiln bake builds it from a rewritten copy within two minutes; the user's Dockerfile is untouched and stays what kiln fingerprints", () => {
    const { dir, env } = bakeFixture("engines/counter");
    dirs.push(dir, `${dir}.state`);
    const dockerfile = path.join(dir, "app", "Dockerfile");
    writeFileSync(dockerfile, hazard(`kiln-${testRunId()}-${Math.random()}`));
    const before = readFileSync(dockerfile, "utf8");
    const bake = kiln(["bake", "--json", "--project-dir", dir], env, 120_000);
    expect(bake.timedOut, "kiln bake hung").toBe(false);
    expect(bake.code, bake.stderr).toBe(0);
    const app = (JSON.parse(bake.stdout) as BakeJson).services[0];
    expect(app?.action).toBe("built");
    expect(readFileSync(dockerfile, "utf8")).toBe(before);
    // both RUNs ran: the second read what the first wrote into the cache mount
    expect(podman(["run", "--rm", app?.image ?? "", "cat", "/seen"]).stdout.trim()).toMatch(/^kiln-/);
    const again = kiln(["bake", "--json", "--project-dir", dir], env, 120_000);
    expect((JSON.parse(again.stdout) as BakeJson).services[0]?.action).toBe("skipped");
    expect(onDockerd(app?.image ?? "")).toBe(false);
  }, 240_000);

  it("two services with such Dockerfiles (same cache ids) are built one after another, even with --jobs 2", () => {
    const { dir, env } = bakeFixture("engines/counter");
    dirs.push(dir, `${dir}.state`);
    const id = `${testRunId()}-${Math.random()}`;
    for (const svc of ["one", "two"]) {
      cpSync(path.join(dir, "app"), path.join(dir, svc), { recursive: true });
      writeFileSync(path.join(dir, svc, "Dockerfile"), hazard(`${svc}-${id}`));
      makeContextUnique(path.join(dir, svc));
    }
    writeFileSync(
      path.join(dir, "compose.yaml"),
      "services:\n  one:\n    build: ./one\n  two:\n    build: ./two\n",
    );
    const bake = kiln(["bake", "--jobs", "2", "--progress", "plain", "--project-dir", dir], env, 240_000);
    expect(bake.timedOut, "kiln bake hung").toBe(false);
    expect(bake.code, bake.stderr).toBe(0);
    const lines = bake.stderr.split("\n");
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    const firstDone = Math.min(at(/\[one\] built in/), at(/\[two\] built in/));
    const firstSteps = [at(/\[one\] #.*RUN/), at(/\[two\] #.*RUN/)].sort((a, b) => a - b);
    expect(firstDone).toBeGreaterThan(-1);
    // the second build's first step comes after the first build finished
    expect(firstSteps[1]).toBeGreaterThan(firstDone);
  }, 300_000);
});

describe.skipIf(!available)("examples/dukat on Podman alone", () => {
  const id = `p${testRunId()}`.toLowerCase().replace(/[^a-z0-9-]/g, "");
  const folder = `dukat-${id}`;
  const devProject = `${folder}_devcontainer`;
  const tgProject = `tg-${id}`;
  let root = "";
  let dir = "";
  let env: NodeJS.ProcessEnv = {};
  let index: ChildProcess | undefined;
  const originals: Record<string, string> = {};
  const baked: Record<string, string> = {};
  const files = () => ({
    dev: path.join(dir, ".devcontainer", "docker-compose.yml"),
    tg: path.join(dir, "test-gen", "docker-compose.yml"),
    dc: path.join(dir, ".devcontainer", "devcontainer.json"),
  });
  const devFlags = () => ["--project-dir", dir, "--devcontainer", files().dc];
  const tgFlags = () => ["--project-dir", path.join(dir, "test-gen")];
  const containersOf = (filter: string) =>
    podman(["ps", "-aq", "--filter", `label=${filter}`])
      .stdout.split("\n")
      .filter(Boolean);

  beforeAll(async () => {
    index = spawn(process.execPath, [path.join(repoRoot, "scripts", "pip-index.mjs"), "--port", "0"], {
      stdio: ["ignore", "pipe", "ignore"],
    });
    const indexUrl = await new Promise<string>((resolve, reject) => {
      index?.stdout?.setEncoding("utf8").once("data", (d: string) => resolve(d.trim()));
      index?.once("exit", (code) => reject(new Error(`pip-index exited ${code}`)));
    });
    root = mkdtempSync(path.join(os.tmpdir(), "kiln-podman-dukat-"));
    dir = path.join(root, folder);
    cpSync(path.join(repoRoot, "examples", "dukat"), dir, {
      recursive: true,
      filter: (src) => !src.includes("__pycache__"),
    });
    writeFileSync(path.join(dir, "test-gen", ".env"), `COMPOSE_PROJECT_NAME=${tgProject}\n`);
    originals.dev = readFileSync(files().dev, "utf8");
    originals.tg = readFileSync(files().tg, "utf8");
    originals.dc = readFileSync(files().dc, "utf8");
    env = {
      KILN_STATE_DIR: path.join(root, "state"),
      KILN_LABELS: label,
      KILN_EXTRA_LABELS: label,
      BASE_IMAGE: "kiln-local/debian:bookworm",
      PIP_INDEX_URL: indexUrl,
      DUKAT_VOLUME_PREFIX: `kt-${id}-`,
    };
  }, 60_000);

  afterAll(() => {
    if (index?.pid !== undefined) process.kill(index.pid, "SIGTERM");
    const ids = containersOf(`devcontainer.local_folder=${dir}`);
    if (ids.length > 0) podman(["rm", "-f", ...ids]);
    removePodmanProject(devProject);
    removePodmanProject(tgProject);
    const volumes = podman(["volume", "ls", "-q", "--filter", `name=kt-${id}-`])
      .stdout.split("\n")
      .filter(Boolean);
    if (volumes.length > 0) podman(["volume", "rm", "-f", ...volumes]);
    // the Dev Containers CLI's Feature content image (a fixed name, no label) from the bake
    podman(["rmi", "localhost/dev_container_feature_content_temp:latest"]);
    removeDir(root);
  }, 120_000);

  it("kiln bake builds both services with podman build and pins them; nothing on dockerd", () => {
    const dev = ok(kiln(["bake", "--json", ...devFlags()], env), "kiln bake devcontainer");
    const tg = ok(kiln(["bake", "--json", ...tgFlags()], env), "kiln bake test-gen");
    const d = (JSON.parse(dev.stdout) as BakeJson).services;
    const t = (JSON.parse(tg.stdout) as BakeJson).services;
    expect(d.map((s) => [s.name, s.action])).toEqual([["devcontainer", "built"]]);
    expect(t.map((s) => [s.name, s.action])).toEqual([["test-gen", "built"]]);
    baked.dev = d[0]?.image ?? "";
    baked.tg = t[0]?.image ?? "";
    for (const ref of [baked.dev, baked.tg]) {
      expect(ref).toMatch(/^kiln\.invalid\/.+:kiln-[0-9a-f]{12}$/);
      expect(podman(["image", "exists", ref]).code).toBe(0);
      expect(onDockerd(ref)).toBe(false);
    }
    expect(readFileSync(files().dev, "utf8")).toContain(`image: ${baked.dev}`);
    expect(readFileSync(files().tg, "utf8")).toContain(`image: ${baked.tg}`);
    // the local Feature went into the pinned image; devcontainer.json lists it no more
    expect(readFileSync(files().dc, "utf8")).not.toContain('"features"');
    // the user's Dockerfiles (two apt RUNs with two locked cache mounts each) are untouched
    expect(readFileSync(path.join(dir, ".devcontainer", "Dockerfile"), "utf8")).toBe(
      readFileSync(path.join(repoRoot, "examples", "dukat", ".devcontainer", "Dockerfile"), "utf8"),
    );
  }, 1_200_000);

  it("a second bake builds nothing; status says baked; volumes ls names the shared volumes", () => {
    for (const flags of [devFlags(), tgFlags()]) {
      const again = ok(kiln(["bake", "--json", ...flags], env), "kiln bake again");
      expect((JSON.parse(again.stdout) as BakeJson).services.map((s) => s.action)).toEqual(["skipped"]);
      const status = JSON.parse(ok(kiln(["status", "--json", ...flags], env), "status").stdout) as {
        services: { state: string }[];
      };
      expect(status.services.map((s) => s.state)).toEqual(["baked"]);
    }
    const volumes = ok(kiln(["volumes", "ls", "--json", ...tgFlags()], env), "volumes ls");
    expect(volumes.stdout).toContain(`kt-${id}-dukat-pip-cache`);
    expect(volumes.stdout).toContain(`kt-${id}-huggingface-cache`);
  }, 300_000);

  it("kiln up starts both services from their pinned images (docker compose on Podman's socket)", () => {
    const tg = JSON.parse(ok(kiln(["up", "--json", ...tgFlags()], env), "kiln up test-gen").stdout) as {
      started: string[];
    };
    expect(tg.started).toEqual(["test-gen"]);
    // --no-volumes: test-gen's `kiln up` just created the shared volumes; ensuring volumes two
    // projects share on Podman is engine-podman-volumes.test.ts's subject
    const dev = JSON.parse(
      ok(kiln(["up", "--no-volumes", "--json", ...devFlags()], env), "kiln up devcontainer").stdout,
    ) as {
      started: string[];
    };
    expect(dev.started).toEqual(["devcontainer"]);
    for (const [project, ref] of [
      [tgProject, baked.tg],
      [devProject, baked.dev],
    ] as const) {
      const ids = containersOf(`com.docker.compose.project=${project}`);
      expect(ids).toHaveLength(1);
      const image = podman(["inspect", "--format", "{{.Image}}", ids[0] ?? ""]).stdout.trim();
      expect(image).toBe(imageId(ref));
    }
    // the two share the cache volumes on Podman
    const c = containersOf(`com.docker.compose.project=${tgProject}`)[0] ?? "";
    expect(podman(["exec", c, "sh", "-c", `echo ${id} > /cache/huggingface/p.txt`]).code).toBe(0);
    const d = containersOf(`com.docker.compose.project=${devProject}`)[0] ?? "";
    expect(podman(["exec", d, "cat", "/cache/huggingface/p.txt"]).stdout.trim()).toBe(id);
  }, 300_000);

  it("the Dev Containers CLI with --docker-path podman opens the baked devcontainer with no build", () => {
    // the container `kiln up` started goes first: the CLI would adopt a running container of its
    // compose project without its own labels, and `devcontainer exec` then finds none (the CLI's
    // behaviour on any engine); as when the folder is opened for the first time
    const running = containersOf(`com.docker.compose.project=${devProject}`);
    if (running.length > 0) expect(podman(["rm", "-f", ...running]).code).toBe(0);
    const before = new Set(podman(["images", "-a", "-q", "--no-trunc"]).stdout.split("\n").filter(Boolean));
    const compose = composeForDevcontainerCli();
    const cliFlags = ["--workspace-folder", dir, "--docker-path", "podman", "--docker-compose-path", compose];
    const up = ok(run(devcontainerCli, ["up", ...cliFlags, "--log-level", "debug"], env), "devcontainer up");
    const out = up.stdout + up.stderr;
    const result = JSON.parse(up.stdout.trim().split("\n").pop() ?? "{}") as {
      outcome?: string;
      containerId?: string;
      composeProjectName?: string;
    };
    expect(result.outcome, out.slice(-3000)).toBe("success");
    expect(result.composeProjectName).toBe(devProject);
    // no image of its own: no Features image, no UID layer, no Dockerfile build
    expect(out).not.toContain("Docker Compose override file for building image");
    expect(out).not.toContain("updateUID.Dockerfile");
    expect(out).not.toMatch(/podman build |buildx build|Dockerfile-with-features/);
    const image = podman(["inspect", "--format", "{{.Image}}", result.containerId ?? ""]).stdout.trim();
    expect(image).toBe(imageId(baked.dev));
    const made = podman(["images", "-a", "-q", "--no-trunc"])
      .stdout.split("\n")
      .filter((i) => i && !before.has(i) && !before.has(`sha256:${i}`))
      .filter((i) =>
        podman(["image", "inspect", "--format", "{{json .RepoTags}}", i]).stdout.includes(folder),
      );
    expect(made).toEqual([]);
    const vsc = podman(["images", "--format", "{{.Repository}}:{{.Tag}}"])
      .stdout.split("\n")
      .filter((t) => t.includes(folder) && /-(features|uid)\b/.test(t));
    expect(vsc).toEqual([]);
    // the remote user is vscode and the local Feature is in effect for it
    const exec = run(
      devcontainerCli,
      ["exec", ...cliFlags, "sh", "-c", 'id -un; echo "$DUKAT_SHELL"; dukat-info'],
      env,
    );
    const seen = podman(["ps", "-a", "--filter", `label=devcontainer.local_folder=${dir}`]).stdout;
    const remote = ok(exec, `devcontainer exec (containers of the folder: ${seen})`).stdout.split("\n");
    expect(remote[0]).toBe("vscode");
    expect(remote[1]).toBe("1");
    expect(remote).toContain("venv:      /opt/venv");
  }, 300_000);

  it("restore gives back both compose files and devcontainer.json, byte for byte", () => {
    ok(kiln(["restore", ...devFlags()], env), "restore devcontainer");
    ok(kiln(["restore", ...tgFlags()], env), "restore test-gen");
    expect(readFileSync(files().dev, "utf8")).toBe(originals.dev);
    expect(readFileSync(files().tg, "utf8")).toBe(originals.tg);
    expect(readFileSync(files().dc, "utf8")).toBe(originals.dc);
    const status = JSON.parse(ok(kiln(["status", "--json", ...tgFlags()], env), "status").stdout) as {
      services: { state: string }[];
    };
    expect(status.services.map((s) => s.state)).toEqual(["unbaked"]);
  }, 120_000);
});
