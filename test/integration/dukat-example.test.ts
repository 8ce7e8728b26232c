/**
 * examples/dukat end to end, with compose v2 and again with v1: the seed's scripts bake both
 * containers, the real Dev Containers CLI opens the dev container from the baked image with no
 * build, setup_test_gen.sh starts test-gen, the two share a cache volume, a source change makes
 * only test-gen stale, restore gives back both compose files, rebuild gives fresh images.
 *
 * Offline: BASE_IMAGE is the local Debian image and pip reads the PEP 503 index
 * scripts/pip-index.mjs serves on loopback. Each variant works on its own copy of the example
 * (a folder name of its own, so the Dev Containers CLI's project name is unique), its own kiln
 * state dir, its own volume prefix and test-gen project name; everything carries the run label.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engineAvailable, kilnBin, removeDir, repoRoot, testLabel, testRunId } from "../helpers/kiln.js";

const example = path.join(repoRoot, "examples", "dukat");
const devcontainerCli = path.join(repoRoot, "node_modules", ".bin", "devcontainer");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd = repoRoot): Run {
  const r = spawnSync(cmd, args, {
    cwd,
    env: { ...process.env, NO_COLOR: "1", ...env },
    encoding: "utf8",
    timeout: 600_000,
  });
  return { code: r.status ?? 128, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

function ok(r: Run, what: string): Run {
  if (r.code !== 0)
    throw new Error(`${what} exited ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  return r;
}

function docker(args: string[]): Run {
  return run("docker", args);
}

/** spawnSync blocks the event loop: let the index's log lines arrive */
async function waitFor(done: () => boolean, ms = 3000): Promise<void> {
  for (let waited = 0; !done() && waited < ms; waited += 50) await new Promise((r) => setTimeout(r, 50));
}

/**
 * The shared caches: engine name (without the prefix), mount path in both containers, and the
 * variable that points the tool there. The apt cache is apt's: root writes it (see the README).
 */
const userCaches = [
  { volume: "dukat-pip-cache", path: "/cache/pip", variable: "PIP_CACHE_DIR", dir: "/cache/pip" },
  { volume: "dukat-torch-cache", path: "/cache/torch", variable: "TORCH_HOME", dir: "/cache/torch" },
  { volume: "model-cache", path: "/cache/models", variable: "MODEL_CACHE", dir: "/cache/models" },
  { volume: "huggingface-cache", path: "/cache/huggingface", variable: "HF_HOME", dir: "/cache/huggingface" },
  { volume: "OllamaModels", path: "/cache/ollama", variable: "OLLAMA_MODELS", dir: "/cache/ollama/models" },
] as const;
const aptCache = { volume: "dukat-apt-cache", path: "/var/cache/apt" };

/** the UID the Dev Containers CLI gives vscode here (the host user's; root's host: the image's 1000) */
const remoteUid =
  process.getuid?.() === 0 || process.platform !== "linux" ? 1000 : (process.getuid?.() ?? 1000);

/** the shell line that writes `text` to NAME in every user cache (as the variables say) and prints them back */
function writeEach(name: string, text: string): string {
  return userCaches
    .map(
      (c) =>
        `mkdir -p "$${c.variable}" && echo ${text} > "$${c.variable}/${name}" && cat "$${c.variable}/${name}"`,
    )
    .join(" && ");
}

function catEach(name: string): string {
  return userCaches.map((c) => `cat "$${c.variable}/${name}"`).join(" && ");
}

function copyExample(root: string, name: string): string {
  const dir = path.join(root, name);
  cpSync(example, dir, { recursive: true, filter: (src) => !src.includes("__pycache__") });
  return dir;
}

/** the pip index for the whole file: one port, so build args (and fingerprints) stay put */
let index: ChildProcess | undefined;
let indexUrl = "";
const indexLog: string[] = [];

beforeAll(async () => {
  if (!engineAvailable()) return;
  index = spawn(process.execPath, [path.join(repoRoot, "scripts", "pip-index.mjs"), "--port", "0"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  index.stderr
    ?.setEncoding("utf8")
    .on("data", (d: string) => indexLog.push(...d.split("\n").filter(Boolean)));
  indexUrl = await new Promise<string>((resolve, reject) => {
    index?.stdout?.setEncoding("utf8").once("data", (d: string) => resolve(d.trim()));
    index?.once("exit", (code) => reject(new Error(`pip-index exited ${code}`)));
  });
});

afterAll(() => {
  if (index?.pid !== undefined) process.kill(index.pid, "SIGTERM");
});

describe.skipIf(!engineAvailable()).each(["v2", "v1"] as const)(
  "examples/dukat with compose %s",
  (variant) => {
    const id = `${testRunId()}-${variant}`.toLowerCase().replace(/[^a-z0-9-]/g, "");
    const folder = `dukat-${id}`;
    const devProject = `${folder}_devcontainer`;
    const tgProject = `tg-${id}`;
    let root = "";
    let dir = "";
    let env: NodeJS.ProcessEnv = {};
    const originals: Record<string, string> = {};
    const baked: Record<string, string> = {};

    const script = (name: string, args: string[] = []) => run(path.join(dir, "scripts", name), args, env);
    const kiln = (args: string[]) => run(process.execPath, [kilnBin, ...args], env);
    const devFlags = () => [
      "--project-dir",
      dir,
      "--devcontainer",
      path.join(dir, ".devcontainer", "devcontainer.json"),
    ];
    const tgFlags = () => ["--project-dir", path.join(dir, "test-gen")];
    const composeFiles = () => ({
      dev: path.join(dir, ".devcontainer", "docker-compose.yml"),
      tg: path.join(dir, "test-gen", "docker-compose.yml"),
      dc: path.join(dir, ".devcontainer", "devcontainer.json"),
    });
    const status = (flags: string[]) => {
      const r = ok(kiln(["status", "--json", ...flags]), "kiln status");
      return JSON.parse(r.stdout) as { services: { name: string; state: string; image?: string }[] };
    };
    const expectState = (flags: string[], state: string) => {
      const svc = status(flags).services[0];
      expect(svc?.state, JSON.stringify(svc)).toBe(state);
    };
    const devExec = (script: string) =>
      run(
        devcontainerCli,
        [
          "exec",
          "--workspace-folder",
          dir,
          ...(variant === "v1" ? ["--docker-compose-path", "docker-compose"] : []),
          "sh",
          "-c",
          script,
        ],
        env,
      );
    /** mount destination → volume name, from the engine */
    const volumeMounts = (container: string): Record<string, string> => {
      const mounts = JSON.parse(
        ok(docker(["inspect", "--format", "{{json .Mounts}}", container]), "inspect mounts").stdout,
      ) as { Type: string; Name?: string; Destination: string }[];
      return Object.fromEntries(
        mounts.filter((m) => m.Type === "volume").map((m) => [m.Destination, m.Name ?? ""]),
      );
    };
    const expectCacheMounts = (container: string) => {
      const prefix = env.DUKAT_VOLUME_PREFIX ?? "";
      expect(volumeMounts(container)).toEqual(
        Object.fromEntries([...userCaches, aptCache].map((c) => [c.path, `${prefix}${c.volume}`] as const)),
      );
    };
    /** the variables as a process of that user sees them */
    const cacheVariables = (out: string) =>
      Object.fromEntries(userCaches.map((c, i) => [c.variable, out.split("\n")[i]]));
    const wantedVariables = Object.fromEntries(userCaches.map((c) => [c.variable, c.dir]));
    const printVariables = userCaches.map((c) => `printenv ${c.variable}`).join(" && ");
    const containersOf = (label: string) =>
      docker(["ps", "-aq", "--filter", `label=${label}`])
        .stdout.split("\n")
        .filter(Boolean);
    const imageId = (ref: string) =>
      ok(docker(["image", "inspect", "--format", "{{.Id}}", ref]), `inspect ${ref}`).stdout.trim();

    beforeAll(() => {
      root = mkdtempSync(path.join(os.tmpdir(), "kiln-dukat-"));
      dir = copyExample(root, folder);
      // a developer's checkout belongs to the developer: vscode and test-gen write into it as
      // that UID (on a root host, the CLI leaves vscode at 1000 and the scripts run test-gen so)
      ok(run("chown", ["-R", `${remoteUid}:${remoteUid}`, dir]), "chown the checkout");
      // test-gen's compose project name, read by compose and kiln alike (never by the Dev Containers CLI)
      writeFileSync(path.join(dir, "test-gen", ".env"), `COMPOSE_PROJECT_NAME=${tgProject}\n`);
      const files = composeFiles();
      originals.dev = readFileSync(files.dev, "utf8");
      originals.tg = readFileSync(files.tg, "utf8");
      originals.dc = readFileSync(files.dc, "utf8");
      env = {
        KILN: kilnBin,
        KILN_COMPOSE: variant,
        KILN_STATE_DIR: path.join(root, "state"),
        KILN_LABELS: testLabel(),
        KILN_EXTRA_LABELS: testLabel(),
        BASE_IMAGE: "kiln-local/debian:bookworm",
        PIP_INDEX_URL: indexUrl,
        DUKAT_VOLUME_PREFIX: `kt-${id}-`,
      };
    });

    afterAll(() => {
      const ids = [
        ...containersOf(`devcontainer.local_folder=${dir}`),
        ...containersOf(`com.docker.compose.project=${tgProject}`),
        ...containersOf(`com.docker.compose.project=${devProject}`),
      ];
      if (ids.length > 0) docker(["rm", "-f", "-v", ...new Set(ids)]);
      for (const net of [`${tgProject}_default`, `${devProject}_default`]) docker(["network", "rm", net]);
      const images = [devProject, tgProject].flatMap((p) =>
        docker(["image", "ls", "-q", "--filter", `label=kiln.project=${p}`])
          .stdout.split("\n")
          .filter(Boolean),
      );
      if (images.length > 0) docker(["image", "rm", "-f", ...new Set(images)]);
      const volumes = docker(["volume", "ls", "-q", "--filter", `name=kt-${id}-`])
        .stdout.split("\n")
        .filter(Boolean);
      if (volumes.length > 0) docker(["volume", "rm", "-f", ...volumes]);
      removeDir(root);
    });

    it("bake_all.sh bakes both services and pins both compose files", async () => {
      const r = ok(script("bake_all.sh", ["--progress", "plain"]), "bake_all.sh");
      expect(r.stdout).toMatch(/pinned devcontainer in/);
      expect(r.stdout).toMatch(/pinned test-gen in/);
      const files = composeFiles();
      const dev = readFileSync(files.dev, "utf8");
      const tg = readFileSync(files.tg, "utf8");
      expect(dev).not.toMatch(/^\s+build:/m);
      expect(tg).not.toMatch(/^\s+build:/m);
      baked.dev = /^\s+image: (\S+)$/m.exec(dev)?.[1] ?? "";
      baked.tg = /^\s+image: (\S+)$/m.exec(tg)?.[1] ?? "";
      expect(baked.dev).toMatch(/:kiln-[0-9a-f]+$/);
      expect(baked.tg).toMatch(/:kiln-[0-9a-f]+$/);
      // the local Feature went into the pinned image: devcontainer.json lists it no more
      expect(originals.dc).toContain('"./features/dukat-shell"');
      expect(readFileSync(files.dc, "utf8")).not.toContain('"features"');
      expect(status(devFlags()).services).toEqual([
        expect.objectContaining({ name: "devcontainer", state: "baked" }),
      ]);
      expect(status(tgFlags()).services).toEqual([
        expect.objectContaining({ name: "test-gen", state: "baked" }),
      ]);
      // pip really downloaded our wheels from the loopback index (the first variant: the second
      // finds every layer in BuildKit's cache, same index URL and all)
      if (variant === "v2") {
        await waitFor(() => indexLog.includes("GET /files/dukat_templates-0.2.0-py3-none-any.whl 200"));
        expect(indexLog).toContain("GET /simple/dukat-naming/ 200");
        expect(indexLog).toContain("GET /files/dukat_templates-0.2.0-py3-none-any.whl 200");
      }
    });

    it("the Dev Containers CLI starts the devcontainer from the baked image with no build step", () => {
      const imagesBefore = new Set(
        docker(["images", "-a", "-q", "--no-trunc"]).stdout.split("\n").filter(Boolean),
      );
      const args = ["up", "--workspace-folder", dir, "--log-level", "debug"];
      if (variant === "v1") args.push("--docker-compose-path", "docker-compose");
      const r = ok(run(devcontainerCli, args, env), "devcontainer up");
      const out = r.stdout + r.stderr;
      const result = JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}") as {
        outcome?: string;
        containerId?: string;
        composeProjectName?: string;
      };
      expect(result.outcome).toBe("success");
      expect(result.composeProjectName).toBe(devProject);
      // no image of its own: no features layer, no UID-update layer, no Dockerfile build
      expect(out).not.toContain("Docker Compose override file for building image");
      expect(out).not.toContain("updateUID.Dockerfile");
      expect(out).not.toMatch(/buildx build|Dockerfile-with-features/);
      const image = ok(
        docker(["inspect", "--format", "{{.Image}}", result.containerId ?? ""]),
        "inspect container",
      ).stdout.trim();
      expect(image).toBe(imageId(baked.dev));
      // no image of any kind appeared for this devcontainer: no vsc-…-features / -uid image, no
      // compose build (the engine is shared: other runs' new images carry nothing of ours)
      const newImages = docker(["images", "-a", "-q", "--no-trunc"])
        .stdout.split("\n")
        .filter((i) => i && !imagesBefore.has(i))
        .filter((i) => {
          const about = docker([
            "image",
            "inspect",
            "-f",
            "{{json .RepoTags}} {{json .Config.Labels}}",
            i,
          ]).stdout;
          // named for this workspace only: other test files' devcontainers build images meanwhile
          return about.includes(folder); // its tags: vsc-<folder>-…, <folder>_devcontainer-…
        });
      expect(newImages).toEqual([]);
      const vsc = docker(["images", "--format", "{{.Repository}}:{{.Tag}}"])
        .stdout.split("\n")
        .filter((t) => t.includes(folder) && /-(features|uid)\b/.test(t));
      expect(vsc).toEqual([]);
      // the remote user is vscode (not root), and the local Feature is in effect for it
      const remote = ok(
        run(
          devcontainerCli,
          [
            "exec",
            "--workspace-folder",
            dir,
            ...(variant === "v1" ? ["--docker-compose-path", "docker-compose"] : []),
            "sh",
            "-c",
            'id -un; id -u; echo "$DUKAT_SHELL"; dukat-info; cat /etc/profile.d/dukat.sh',
          ],
          env,
        ),
        "devcontainer exec",
      ).stdout.split("\n");
      expect(remote[0]).toBe("vscode");
      expect(remote[1]).not.toBe("0");
      expect(remote[2]).toBe("1");
      expect(remote).toContain("venv:      /opt/venv");
      expect(remote.join("\n")).toContain('PS1="(dukat) ');
      // the workspace and the venv from the local index are there
      const py = ok(
        docker([
          "exec",
          result.containerId ?? "",
          "python",
          "-c",
          "import dukat_templates; print(dukat_templates.render('{{x}}', x='ok'))",
        ]),
        "exec",
      );
      expect(py.stdout.trim()).toBe("ok");
    });

    it("the remote user finds every cache variable pointing into its volume and writes each cache", () => {
      const container = containersOf(`devcontainer.local_folder=${dir}`)[0] ?? "";
      expectCacheMounts(container);
      const who = ok(devExec("id -u; id -g"), "devcontainer exec id").stdout.split("\n");
      expect(Number(who[0])).toBe(remoteUid);
      expect(cacheVariables(ok(devExec(printVariables), "printenv").stdout)).toEqual(wantedVariables);
      // pip, as the developer runs it, caches into the shared volume
      expect(ok(devExec("python -m pip cache dir"), "pip cache dir").stdout.trim()).toBe("/cache/pip");
      // the developer (not root) writes into each cache volume and reads it back
      const wrote = ok(devExec(writeEach("from-dev.txt", `dev-${id}`)), "write caches as vscode");
      expect(wrote.stdout.trim().split("\n")).toEqual(userCaches.map(() => `dev-${id}`));
      // apt's cache is written by apt, as root; the developer reads it
      ok(
        docker(["exec", "-u", "0", container, "sh", "-c", `echo apt-${id} > ${aptCache.path}/from-root.txt`]),
        "write apt cache as root",
      );
      expect(ok(devExec(`cat ${aptCache.path}/from-root.txt`), "read apt").stdout.trim()).toBe(`apt-${id}`);
    });

    it("setup_test_gen.sh starts test-gen from its baked image; it generates tests and reads the shared cache", () => {
      const r = ok(script("setup_test_gen.sh", ["--progress", "plain"]), "setup_test_gen.sh");
      expect(r.stdout).toMatch(new RegExp(`started test-gen \\(project ${tgProject}, compose ${variant}\\)`));
      const ids = containersOf(`com.docker.compose.project=${tgProject}`);
      expect(ids).toHaveLength(1);
      const container = ids[0] ?? "";
      expect(ok(docker(["inspect", "--format", "{{.Image}}", container]), "inspect").stdout.trim()).toBe(
        imageId(baked.tg),
      );
      const gen = ok(
        docker([
          "exec",
          container,
          "python",
          "-m",
          "test_gen",
          "/workspace/test-gen/samples",
          "--out",
          "/workspace/generated",
        ]),
        "test_gen",
      );
      expect(gen.stdout).toContain("test_inventory.py (5 tests)");
      const written = readFileSync(path.join(dir, "generated", "test_inventory.py"), "utf8");
      expect(written).toContain("class TestInventory:");
      expect(written).toContain("def test_fetch_remote_stock():");
      expect(written).toContain("inventory.Item(sku=..., price_cents=...)");
      expect(written).not.toContain("_private_helper");
    });

    it("test-gen runs as the remote user's UID: it reads and rewrites what the developer cached, and writes its own", () => {
      const container = containersOf(`com.docker.compose.project=${tgProject}`)[0] ?? "";
      expectCacheMounts(container);
      const exec = (script: string, what: string) =>
        ok(docker(["exec", container, "sh", "-c", script]), what).stdout;
      expect(exec("id -u", "id").trim()).toBe(String(remoteUid));
      expect(cacheVariables(exec(printVariables, "printenv"))).toEqual(wantedVariables);
      expect(exec(catEach("from-dev.txt"), "read the developer's files").trim().split("\n")).toEqual(
        userCaches.map(() => `dev-${id}`),
      );
      // the developer's files are test-gen's to change too (a cache rewrites and deletes entries)
      const rewritten = exec(writeEach("from-dev.txt", `dev-then-tg-${id}`), "rewrite the developer's files");
      expect(rewritten.trim().split("\n")).toEqual(userCaches.map(() => `dev-then-tg-${id}`));
      exec(writeEach("from-test-gen.txt", `tg-${id}`), "write test-gen's files");
      expect(exec(`cat ${aptCache.path}/from-root.txt`, "read apt").trim()).toBe(`apt-${id}`);
    });

    it("the remote user reads, rewrites and deletes what test-gen wrote into the caches", () => {
      const read = ok(
        devExec(`${catEach("from-test-gen.txt")} && ${catEach("from-dev.txt")}`),
        "read as vscode",
      );
      expect(read.stdout.trim().split("\n")).toEqual([
        ...userCaches.map(() => `tg-${id}`),
        ...userCaches.map(() => `dev-then-tg-${id}`),
      ]);
      const removeAll = userCaches.map((c) => `rm "$${c.variable}/from-test-gen.txt"`).join(" && ");
      ok(
        devExec(`${writeEach("from-test-gen.txt", `tg-then-dev-${id}`)} && ${removeAll}`),
        "rewrite and delete as vscode",
      );
      const left = ok(devExec(userCaches.map((c) => `ls "$${c.variable}"`).join(" && ")), "ls caches").stdout;
      expect(left).not.toContain("from-test-gen.txt");
    });

    it("kiln agrees: no owner warning in volumes ls, apt's cache left to root, doctor finds each cache writable by vscode", () => {
      const prefix = env.DUKAT_VOLUME_PREFIX ?? "";
      const ls = JSON.parse(
        ok(kiln(["volumes", "ls", "--json", ...devFlags()]), "kiln volumes ls").stdout,
      ) as {
        volumes: { name: string; owner: string | null; usedBy: { service: string }[]; warnings: unknown[] }[];
      };
      expect(ls.volumes.map((v) => v.name).sort()).toEqual(
        [...userCaches, aptCache].map((c) => `${prefix}${c.volume}`).sort(),
      );
      for (const v of ls.volumes) {
        expect(v.warnings, v.name).toEqual([]);
        expect(v.usedBy.map((u) => u.service).sort()).toEqual(["devcontainer", "test-gen"]);
      }
      expect(ls.volumes.find((v) => v.name === `${prefix}${aptCache.volume}`)?.owner).toBe("0:0");
      const doctor = JSON.parse(kiln(["doctor", "--json", ...devFlags()]).stdout) as {
        checks: { id: string; status: string; message: string }[];
      };
      const access = doctor.checks.filter((c) => /^volume\..*\.access\./.test(c.id));
      expect(access.map((c) => c.id).sort()).toEqual(
        userCaches.map((c) => `volume.${prefix}${c.volume}.access.devcontainer`).sort(),
      );
      for (const c of access) {
        expect(c.status, c.message).toBe("ok");
        expect(c.message).toContain(`as vscode (uid ${remoteUid})`);
      }
    });

    it("after a source change in test-gen only test-gen is stale, and only it is rebuilt", () => {
      const file = path.join(dir, "test-gen", "test_gen", "__init__.py");
      writeFileSync(
        file,
        readFileSync(file, "utf8").replace('__version__ = "0.1.0"', '__version__ = "0.1.1"'),
      );
      expectState(devFlags(), "baked");
      expectState(tgFlags(), "stale");
      const r = ok(script("bake_all.sh", ["--json", "--progress", "quiet"]), "bake_all.sh");
      const reports = r.stdout
        .trim()
        .split(/\n(?=\{)/)
        .map((t) => JSON.parse(t) as { services: { name: string; action: string; image: string }[] });
      expect(reports.map((x) => x.services.map((s) => [s.name, s.action]))).toEqual([
        [["devcontainer", "skipped"]],
        [["test-gen", "built"]],
      ]);
      const newTg = reports[1]?.services[0]?.image ?? "";
      expect(newTg).not.toBe(baked.tg);
      expect(readFileSync(composeFiles().tg, "utf8")).toContain(`image: ${newTg}`);
      // kiln up recreates the container that still runs the older image
      const up = ok(script("setup_test_gen.sh", ["--progress", "plain"]), "setup_test_gen.sh");
      expect(up.stdout).toMatch(/started test-gen/);
      const container = containersOf(`com.docker.compose.project=${tgProject}`)[0] ?? "";
      expect(ok(docker(["inspect", "--format", "{{.Image}}", container]), "inspect").stdout.trim()).toBe(
        imageId(newTg),
      );
      baked.tg = newTg;
    });

    it("restore gives back both original compose files and devcontainer.json, byte for byte", () => {
      ok(kiln(["restore", ...devFlags()]), "kiln restore devcontainer");
      ok(kiln(["restore", ...tgFlags()]), "kiln restore test-gen");
      const files = composeFiles();
      expect(readFileSync(files.dev, "utf8")).toBe(originals.dev);
      expect(readFileSync(files.tg, "utf8")).toBe(originals.tg);
      expect(readFileSync(files.dc, "utf8")).toBe(originals.dc);
    });

    it("kiln rebuild gives a fresh image and pins again", () => {
      const before = imageId(baked.tg);
      const r = ok(kiln(["rebuild", "--json", "--progress", "quiet", ...tgFlags()]), "kiln rebuild");
      const report = JSON.parse(r.stdout) as {
        services: { name: string; action: string; image: string }[];
        pinned: string[];
      };
      expect(report.services).toEqual([expect.objectContaining({ name: "test-gen", action: "built" })]);
      expect(report.pinned).toEqual(["test-gen"]);
      const image = report.services[0]?.image ?? "";
      expect(imageId(image)).not.toBe(before);
      expect(readFileSync(composeFiles().tg, "utf8")).toContain(`image: ${image}`);
      expectState(tgFlags(), "baked");
      baked.tg = image;
      // a rebuild runs test-gen's apt and pip steps again: ~100 s on a loaded 2-core machine
    }, 300_000);

    it("kiln up recreates the container still running the image from before the rebuild", () => {
      const r = ok(kiln(["up", "--json", "--progress", "quiet", ...tgFlags()]), "kiln up");
      const data = JSON.parse(r.stdout) as { project: string; recreated: string[]; started: string[] };
      expect(data).toMatchObject({ project: tgProject, recreated: ["test-gen"], started: ["test-gen"] });
      const ids = containersOf(`com.docker.compose.project=${tgProject}`);
      expect(ids).toHaveLength(1);
      expect(ok(docker(["inspect", "--format", "{{.Image}}", ids[0] ?? ""]), "inspect").stdout.trim()).toBe(
        imageId(baked.tg),
      );
      // and a second `up` finds nothing to bake or recreate
      const again = JSON.parse(
        ok(kiln(["up", "--json", "--progress", "quiet", ...tgFlags()]), "kiln up").stdout,
      ) as {
        recreated: string[];
        bake: { services: { action: string }[] };
      };
      expect(again.recreated).toEqual([]);
      expect(again.bake.services.map((s) => s.action)).toEqual(["skipped"]);
    });
  },
);

describe("examples/dukat seed scripts with the engine down", () => {
  const scripts = [
    "build_devcontainer_simple.sh",
    "bake_test_gen_simple.sh",
    "bake_devcontainer.sh",
    "bake_test_gen.sh",
    "bake_all.sh",
    "setup_test_gen.sh",
  ];
  let root = "";
  let dir = "";
  beforeAll(() => {
    root = mkdtempSync(path.join(os.tmpdir(), "kiln-dukat-down-"));
    dir = copyExample(root, "dukat");
  });
  afterAll(() => removeDir(root));

  it.each(scripts)("%s exits non-zero with kiln's hint", (name) => {
    expect(existsSync(path.join(dir, "scripts", name))).toBe(true);
    const r = run(path.join(dir, "scripts", name), [], {
      KILN: kilnBin,
      DOCKER_HOST: "unix:///nonexistent.sock",
      KILN_STATE_DIR: path.join(root, "state"),
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/kiln: error: .*(engine|docker)/i);
    expect(r.stderr).toMatch(/hint: /);
  });
});

describe("examples/dukat: the UID test-gen runs as (scripts/_kiln.sh)", () => {
  const kilnSh = path.join(example, "scripts", "_kiln.sh");
  const ids = (env: NodeJS.ProcessEnv, as: string[] = []) =>
    ok(
      run(
        as.length > 0 ? "setpriv" : "bash",
        [...as, ...(as.length > 0 ? ["bash"] : []), "-c", `. "${kilnSh}"; echo "$DUKAT_UID:$DUKAT_GID"`],
        {
          KILN: kilnBin,
          DUKAT_UID: "",
          DUKAT_GID: "",
          ...env,
        },
      ),
      "_kiln.sh",
    ).stdout.trim();
  const root = process.getuid?.() === 0 && process.platform === "linux";

  it.skipIf(!root)(
    "the host user's on Linux, as the CLI's UID layer gives vscode; 1000:1000 for root",
    () => {
      expect(ids({})).toBe("1000:1000");
      expect(ids({}, ["--reuid=4321", "--regid=4322", "--clear-groups"])).toBe("4321:4322");
      // root's group is not handed on (the CLI keeps vscode's group then)
      expect(ids({}, ["--reuid=4321", "--regid=0", "--clear-groups"])).toBe("4321:1000");
    },
  );

  it("keeps DUKAT_UID / DUKAT_GID when they are set", () => {
    expect(ids({ DUKAT_UID: "0", DUKAT_GID: "0" })).toBe("0:0");
    expect(ids({ DUKAT_UID: "2000" })).toBe("2000:1000");
  });
});
