/**
 * kiln bake on the real engine: build + pin, no-op second bake (counted by a spy docker),
 * ignored files, one stale service, restore, and the seed's layout.
 */
import { chmodSync, readFileSync, rmSync, writeFileSync, appendFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engineAvailable, removeDir, runKiln, testLabel } from "../helpers/kiln.js";
import { bakeJson, spiedProject } from "../helpers/spied-project.js";

interface BakeJson {
  services: {
    name: string;
    image: string;
    action: string;
    reason: string;
    durationMs: number;
    steps: { total: number; cached: number };
  }[];
  pinned: string[];
}
interface PlanJson {
  dryRun: true;
  plan: { targets: { service: string; action: string; reason: string; imageRef: string }[] };
}

const dirs: string[] = [];
afterAll(() => {
  // images carry the test label and are swept by the global teardown; state dirs are ours
  dirs.forEach(removeDir);
});

const project = (fixture: string) => spiedProject(fixture, dirs);
const bake = (dir: string, env: NodeJS.ProcessEnv, ...args: string[]) =>
  bakeJson<BakeJson>(dir, env, ...args);

function plan(dir: string, env: NodeJS.ProcessEnv): PlanJson["plan"]["targets"] {
  const r = runKiln(["bake", "--dry-run", "--json", "--project-dir", dir], { env });
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as PlanJson).plan.targets;
}

function runImage(image: string, ...cmd: string[]): string {
  const [label, value] = testLabel().split("=");
  const r = spawnSync("docker", ["run", "--rm", "--label", `${label}=${value}`, image, ...cmd], {
    encoding: "utf8",
  });
  return r.stdout;
}

describe.skipIf(!engineAvailable())("kiln bake", () => {
  let p: ReturnType<typeof project>;
  let original: string;
  let first: BakeJson;

  beforeAll(() => {
    p = project("bake/basic");
    original = readFileSync(path.join(p.dir, "docker-compose.yml"), "utf8");
    first = bake(p.dir, p.env);
  });

  it("builds both services and pins them; the pull-only service, comments and anchors are untouched", () => {
    expect(first.services.map((s) => [s.name, s.action])).toEqual([
      ["api", "built"],
      ["worker", "built"],
    ]);
    expect(first.services[0]?.reason).toBe("build: no image");
    const text = readFileSync(path.join(p.dir, "docker-compose.yml"), "utf8");
    for (const s of first.services) expect(text).toContain(`image: ${s.image}`);
    expect(text).not.toContain("build:");
    expect(text).toContain("image: kiln-local/busybox:latest   # pull-only: never pinned");
    for (const line of original
      .split("\n")
      .filter((l) => l.trim().startsWith("#") || l.includes("&common") || l.includes('[ "8080'))) {
      expect(text).toContain(line);
    }
    expect(runImage(first.services[0].image, "cat", "/srv/server.txt").trim()).toBe("api v1");
  });

  it("a second bake starts no docker process at all", () => {
    const started = (): number => p.spy.calls().length + p.spy.pluginCalls().length;
    const before = started();
    const again = bake(p.dir, p.env);
    expect(again.services.map((s) => s.action)).toEqual(["skipped", "skipped"]);
    expect(started() - before).toBe(0);
    expect(p.spy.builds()).toBe(2);
  });

  it("a bake with nothing to do loads neither node:crypto nor the YAML library", () => {
    // its hashes are of small texts (src/core/digest.ts) and its contexts' listings are the ones
    // the last run hashed (the listing memo): loading node:crypto would cost it 3–5 ms; its compose
    // model comes from kiln's memo, so the YAML chunk (dist/bundle/yaml.cjs) is not loaded either
    const probe = path.join(p.dir, "..", `${path.basename(p.dir)}.modules`);
    const preload = `${probe}.cjs`;
    writeFileSync(
      preload,
      [
        "const chunks = [];",
        'const key = Symbol.for("kiln.loadChunk");',
        "let load;",
        "Object.defineProperty(globalThis, key, { configurable: true, get: () => load, set: (fn) => { load = (name) => (chunks.push(name), fn(name)); } });",
        `process.on("exit", () => require("node:fs").writeFileSync(${JSON.stringify(probe)}, JSON.stringify({ modules: process.moduleLoadList, chunks })));`,
        "",
      ].join("\n"),
    );
    dirs.push(probe, preload);
    const probed = (): { modules: string[]; chunks: string[] } =>
      JSON.parse(readFileSync(probe, "utf8")) as { modules: string[]; chunks: string[] };
    const env = { ...p.env, NODE_OPTIONS: `--require ${preload}` };
    const again = bake(p.dir, env);
    expect(again.services.map((s) => s.action)).toEqual(["skipped", "skipped"]);
    const { modules, chunks } = probed();
    expect(modules).toContain("NativeModule net"); // the probe saw the run
    expect(modules.filter((m) => m.includes("crypto"))).toEqual([]);
    expect(chunks).toEqual([]);
    // a compose file edited since: the model is loaded anew, through the chunk
    const composeFile = path.join(p.dir, "docker-compose.yml");
    const before = readFileSync(composeFile, "utf8");
    appendFileSync(composeFile, "# edited\n");
    try {
      bake(p.dir, env);
      expect(probed().chunks).toEqual(["yaml"]);
    } finally {
      writeFileSync(composeFile, before); // the tests below restore this file byte for byte
    }
  });

  it("changing ignored files (!, **, <Dockerfile>.dockerignore) changes nothing", () => {
    // the fingerprint covers what the build reads (#15): let api's build read docs/ too
    mkdirSync(path.join(p.dir, "api", "docs"));
    appendFileSync(path.join(p.dir, "api", "Dockerfile"), "COPY docs/ /srv/docs/\n");
    writeFileSync(path.join(p.dir, "api", ".dockerignore"), "notes.md\n**/*.log\ndocs/**\n!docs/keep.txt\n");
    writeFileSync(path.join(p.dir, "worker", "Dockerfile.dockerignore"), "scratch/\n");
    // the .dockerignore edit itself is part of the context: take the new baseline first
    const baseline = plan(p.dir, p.env);
    mkdirSync(path.join(p.dir, "api", "docs", "deep"), { recursive: true });
    writeFileSync(path.join(p.dir, "api", "docs", "keep.txt"), "kept");
    const withKeep = plan(p.dir, p.env);
    expect(withKeep.find((t) => t.service === "api")?.imageRef).not.toBe(
      baseline.find((t) => t.service === "api")?.imageRef,
    );
    appendFileSync(path.join(p.dir, "api", "notes.md"), "more notes\n");
    writeFileSync(path.join(p.dir, "api", "docs", "deep", "x.md"), "ignored by docs/**");
    writeFileSync(path.join(p.dir, "api", "trace.log"), "ignored by **/*.log");
    mkdirSync(path.join(p.dir, "worker", "scratch"));
    writeFileSync(path.join(p.dir, "worker", "scratch", "tmp.bin"), "ignored via Dockerfile.dockerignore");
    expect(plan(p.dir, p.env)).toEqual(withKeep);
  });

  it("changing one service's source rebuilds only that one, and the new image holds the change", () => {
    bake(p.dir, p.env); // settle the .dockerignore changes of the previous test
    const builds = p.spy.builds();
    writeFileSync(path.join(p.dir, "api", "server.txt"), "api v2\n");
    const targets = plan(p.dir, p.env);
    expect(targets.find((t) => t.service === "api")).toMatchObject({
      action: "build",
      reason: "build: sources changed (server.txt)",
    });
    expect(targets.find((t) => t.service === "worker")).toMatchObject({
      action: "skip",
      reason: "skip: fresh",
    });
    const r = bake(p.dir, p.env);
    expect(r.services.map((s) => [s.name, s.action])).toEqual([
      ["api", "built"],
      ["worker", "skipped"],
    ]);
    expect(p.spy.builds() - builds).toBe(1);
    expect(runImage(r.services[0].image, "cat", "/srv/server.txt").trim()).toBe("api v2");
    expect(readFileSync(path.join(p.dir, "docker-compose.yml"), "utf8")).toContain(
      `image: ${r.services[0].image}`,
    );
  });

  it("a changed build arg is named in the plan", () => {
    const targets = plan(p.dir, { ...p.env, GREETING: "bonjour" });
    expect(targets.find((t) => t.service === "api")?.reason).toBe("build: arg GREETING changed");
  });

  it("restore keeps edits made next to the pins; with no other edit it is byte-identical", () => {
    const file = path.join(p.dir, "docker-compose.yml");
    const pinned = readFileSync(file, "utf8");
    const edited = pinned
      .replace("  worker:\n", "  # a note the user added after baking\n  worker:\n")
      .replace("      - MODE=batch", "      - MODE=batch\n      - EXTRA=1");
    writeFileSync(file, edited);
    const r = runKiln(["restore", "--json", "--project-dir", p.dir], { env: p.env });
    expect(r.code, r.stderr).toBe(0);
    const restored = readFileSync(file, "utf8");
    expect(restored).toContain("# a note the user added after baking");
    expect(restored).toContain("- EXTRA=1");
    expect(restored).toContain("context: ./api");
    expect(restored).toContain("target: runtime");
    // undo the user's edits by hand: the result is the original, byte for byte
    writeFileSync(
      file,
      restored.replace("  # a note the user added after baking\n", "").replace("\n      - EXTRA=1", ""),
    );
    expect(readFileSync(file, "utf8")).toBe(original);

    bake(p.dir, p.env);
    const r2 = runKiln(["restore", "--project-dir", p.dir], { env: p.env });
    expect(r2.code, r2.stderr).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(original);
  });
});

describe.skipIf(!engineAvailable())("the seed's layout (compose file inside its own context)", () => {
  it("is fresh right after a bake, and status says baked", () => {
    const p = project("bake/seed-layout");
    const r = runKiln(["bake", "--json", "--project-dir", p.dir, "--devcontainer"], { env: p.env });
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as BakeJson).services[0]?.action).toBe("built");
    const compose = readFileSync(path.join(p.dir, ".devcontainer", "docker-compose.yml"), "utf8");
    expect(compose).toContain("image: ");
    const s = runKiln(["status", "--json", "--project-dir", p.dir, "--devcontainer"], { env: p.env });
    expect(JSON.parse(s.stdout)).toMatchObject({ services: [{ name: "devcontainer", state: "baked" }] });
    const again = runKiln(["bake", "--json", "--project-dir", p.dir, "--devcontainer"], { env: p.env });
    expect((JSON.parse(again.stdout) as BakeJson).services[0]?.action).toBe("skipped");
  });
});

describe.skipIf(!engineAvailable())("bad input leaves every file as it was", () => {
  function expectUntouched(
    dir: string,
    run: () => { code: number; stdout: string; stderr: string },
    code: number,
    errCode: string,
  ): void {
    const file = path.join(dir, "docker-compose.yml");
    const before = readFileSync(file, "utf8");
    const r = run();
    expect(r.code, r.stderr).toBe(code);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: errCode } });
    expect((JSON.parse(r.stdout) as { error: { hint?: string } }).error.hint).toBeTruthy();
    expect(readFileSync(file, "utf8")).toBe(before);
  }

  it("unknown service → exit 2", () => {
    const p = project("bake/basic");
    expectUntouched(
      p.dir,
      () => runKiln(["bake", "nope", "--json", "--project-dir", p.dir], { env: p.env }),
      2,
      "ERR_KILN_UNKNOWN_SERVICE",
    );
  });

  it("a pull-only service named → exit 2", () => {
    const p = project("bake/basic");
    expectUntouched(
      p.dir,
      () => runKiln(["bake", "cache", "--json", "--project-dir", p.dir], { env: p.env }),
      2,
      "ERR_KILN_NOT_BUILDABLE",
    );
  });

  it("engine down → exit 3 with a hint", () => {
    const p = project("bake/basic");
    expectUntouched(
      p.dir,
      () =>
        runKiln(["bake", "--json", "--project-dir", p.dir], {
          env: { ...p.env, DOCKER_HOST: "unix:///nonexistent/docker.sock" },
        }),
      3,
      "ERR_KILN_ENGINE_UNREACHABLE",
    );
  });

  it("a failing build → exit 1, the other service still built and pinned, the failed one not", () => {
    const p = project("bake/basic");
    writeFileSync(path.join(p.dir, "worker", "job.sh"), "echo changed\n");
    appendFileSync(path.join(p.dir, "api", "Dockerfile"), 'RUN echo "it broke" && exit 7\n');
    const r = runKiln(["bake", "--json", "--project-dir", p.dir], { env: p.env });
    expect(r.code).toBe(1);
    const body = JSON.parse(r.stdout) as BakeJson;
    expect(body.services.find((s) => s.name === "api")?.action).toBe("failed");
    expect(body.services.find((s) => s.name === "api")?.reason).toContain("it broke");
    expect(body.services.find((s) => s.name === "worker")?.action).toBe("built");
    const text = readFileSync(path.join(p.dir, "docker-compose.yml"), "utf8");
    expect(text).toContain("context: ./api");
    expect(text).not.toContain("target: runtime");
  });

  it("a read-only compose file → exit 2 before anything is built, file untouched", () => {
    const p = project("bake/basic");
    const file = path.join(p.dir, "docker-compose.yml");
    chmodSync(file, 0o444);
    try {
      expectUntouched(
        p.dir,
        () => runKiln(["bake", "--json", "--project-dir", p.dir], { env: p.env }),
        2,
        "ERR_KILN_FILE_READONLY",
      );
      expect(p.spy.builds()).toBe(0);
    } finally {
      chmodSync(file, 0o644);
    }
  });

  it("names and args with shell metacharacters are passed as data", () => {
    const p = project("bake/basic");
    const evil = "$(touch /tmp/kiln-pwned); `id`; \"quoted\" 'single'";
    const r = runKiln(["bake", "api", "--json", "--project-dir", p.dir], {
      env: { ...p.env, GREETING: evil },
    });
    expect(r.code, r.stderr).toBe(0);
    const image = (JSON.parse(r.stdout) as BakeJson).services.find((s) => s.name === "api")!.image;
    expect(runImage(image, "cat", "/greeting").trim()).toBe(evil);
    rmSync("/tmp/kiln-pwned", { force: true });
  });
});
