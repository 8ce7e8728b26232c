/**
 * Two compose projects like the seed's devcontainer and test-gen, caches declared the usual
 * wrong way: `ls --json` shows each problem, `fix --external` + `ensure` mend them, and a
 * file written into the Hugging Face cache by one project is read and overwritten by the other.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engineAvailable, removeDir, runKiln, tempCopy, testLabel, type KilnRun } from "../helpers/kiln.js";

interface LsVolume {
  name: string;
  purpose: string;
  exists: boolean;
  owner: string | null;
  usedBy: { project: string; service: string; path: string }[];
  warnings: { code: string; message: string }[];
}

const id = `${randomBytes(4).toString("hex")}`;
const hf = `hf-cache-${id}`;
const pip = `pip-cache-${id}`;

function docker(args: string[]): string {
  return execFileSync("docker", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function substitute(dir: string): void {
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else writeFileSync(p, readFileSync(p, "utf8").replaceAll("@ID@", id));
    }
  };
  walk(dir);
}

describe.skipIf(!engineAvailable())("kiln volumes: shared caches across two projects", () => {
  let dir = "";
  let state = "";
  let env: NodeJS.ProcessEnv = {};
  const kiln = (...args: string[]): KilnRun => runKiln([...args, "--project-dir", dir], { env });
  const ls = (): LsVolume[] => {
    const r = kiln("volumes", "ls", "--json");
    expect(r.code, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as { volumes: LsVolume[] }).volumes;
  };
  const codes = (v: LsVolume | undefined): string[] => (v?.warnings ?? []).map((w) => w.code);
  const compose = (project: string, file: string, args: string[]): string =>
    docker(["compose", "-p", project, "-f", path.join(dir, file), ...args]);
  const dc = `kvdc${id}`;
  const tg = `kvtg${id}`;

  beforeAll(() => {
    dir = tempCopy("volumes/two-projects");
    state = tempCopy();
    substitute(dir);
    env = { KILN_EXTRA_LABELS: testLabel(), KILN_STATE_DIR: state };
  });

  afterAll(() => {
    for (const [p, f] of [
      [dc, ".devcontainer/docker-compose.yml"],
      [tg, "test-gen/docker-compose.yml"],
    ] as const) {
      try {
        compose(p, f, ["down", "-v", "-t", "0"]);
      } catch {
        // the project may never have started
      }
    }
    // external volumes survive `down -v`: remove them, and any prefixed ones, ourselves
    const names = docker(["volume", "ls", "-q"])
      .split("\n")
      .filter((n) => n.includes(id));
    if (names.length) docker(["volume", "rm", "-f", ...names]);
    removeDir(dir);
    removeDir(state);
  });

  it("ls --json shows every problem of the usual declaration", () => {
    const volumes = ls();
    const hfVol = volumes.find((v) => v.purpose === "huggingface");
    expect(hfVol?.name).toMatch(new RegExp(`_devcontainer_${hf}$`));
    expect(hfVol?.exists).toBe(false);
    expect(codes(hfVol)).toEqual(
      expect.arrayContaining(["missing-mount", "not-named", "not-external", "owner-unset"]),
    );
    expect(hfVol?.warnings.find((w) => w.code === "missing-mount")?.message).toContain("test-gen/test-gen");
    const pips = volumes.filter((v) => v.purpose === "pip");
    expect(pips.map((v) => v.name).sort()).toEqual(
      [expect.stringMatching(new RegExp(`_devcontainer_${pip}$`)), `test-gen_${pip}`].sort(),
    );
    for (const v of pips)
      expect(codes(v)).toEqual(expect.arrayContaining(["name-differs", "not-named", "not-external"]));
    const devPip = pips.find((v) => v.name.includes("_devcontainer_"));
    expect(codes(devPip)).toContain("owner-unset");
  });

  it("fix --external gives each cache one explicit, external name and adds the missing mount (backed up)", () => {
    const before = readFileSync(path.join(dir, "test-gen/docker-compose.yml"), "utf8");
    const r = kiln("volumes", "fix", "--external", "--json");
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { files: string[]; backups: string[] };
    expect(out.files).toHaveLength(2);
    for (const b of out.backups) expect(existsSync(b)).toBe(true);
    expect(out.backups.map((b) => readFileSync(b, "utf8"))).toContain(before);
    const tgText = readFileSync(path.join(dir, "test-gen/docker-compose.yml"), "utf8");
    expect(tgText).toContain(`- ${hf}:/root/.cache/huggingface`);
    expect(tgText).toContain("# shared with the devcontainer, in theory");
    // compose accepts the edited files
    compose(tg, "test-gen/docker-compose.yml", ["config", "-q"]);
    compose(dc, ".devcontainer/docker-compose.yml", ["config", "-q"]);
    const volumes = ls();
    expect(volumes.map((v) => v.name).sort()).toEqual([hf, pip].sort());
    const hfVol = volumes.find((v) => v.name === hf);
    expect(hfVol?.usedBy.map((u) => u.service).sort()).toEqual(["dev", "test-gen"]);
    expect(codes(hfVol)).toEqual(["missing-external", "mixed-users"]);
    // a second fix has nothing left to do
    const again = kiln("volumes", "fix", "--external", "--json");
    expect((JSON.parse(again.stdout) as { files: string[] }).files).toEqual([]);
  });

  it("ensure creates the volumes owned by the non-root user; ls is clean", () => {
    const r = kiln("volumes", "ensure", "--json");
    expect(r.code, r.stderr).toBe(0);
    const actions = (
      JSON.parse(r.stdout) as { volumes: { name: string; created: boolean; currentOwner?: string }[] }
    ).volumes;
    expect(actions.map((a) => [a.name, a.created, a.currentOwner]).sort()).toEqual(
      [
        [hf, true, "1000:1000"],
        [pip, true, "1000:1000"],
      ].sort(),
    );
    const labels = JSON.parse(docker(["volume", "inspect", hf, "--format", "{{json .Labels}}"])) as Record<
      string,
      string
    >;
    expect(labels["kiln.managed"]).toBe("true");
    expect(labels["kiln.purpose"]).toBe("huggingface");
    const volumes = ls();
    for (const v of volumes) {
      expect(v.exists).toBe(true);
      expect(v.warnings).toEqual([]);
    }
  });

  it("a file written into the HF cache by the devcontainer is read and overwritten by test-gen", () => {
    const label = ["-l", testLabel()];
    compose(dc, ".devcontainer/docker-compose.yml", [
      "run",
      "--rm",
      "-T",
      ...label,
      "dev",
      "sh",
      "-c",
      "echo from-dev > /cache/huggingface/model.bin",
    ]);
    const read = compose(tg, "test-gen/docker-compose.yml", [
      "run",
      "--rm",
      "-T",
      ...label,
      "test-gen",
      "sh",
      "-c",
      "cat /root/.cache/huggingface/model.bin && echo from-test-gen > /root/.cache/huggingface/model.bin",
    ]);
    expect(read.trim()).toBe("from-dev");
    const back = compose(dc, ".devcontainer/docker-compose.yml", [
      "run",
      "--rm",
      "-T",
      ...label,
      "dev",
      "cat",
      "/cache/huggingface/model.bin",
    ]);
    expect(back.trim()).toBe("from-test-gen");
    // `down -v` of a project leaves the external cache alone
    compose(dc, ".devcontainer/docker-compose.yml", ["down", "-v", "-t", "0"]);
    expect(docker(["volume", "ls", "-q", "--filter", `name=^${hf}$`]).trim()).toBe(hf);
  });

  it("ensure --recursive hands files root wrote to the non-root user", () => {
    const run = (user: string, script: string): string =>
      docker([
        "run",
        "--rm",
        "-l",
        testLabel(),
        "-u",
        user,
        "-v",
        `${pip}:/p`,
        "kiln-local/busybox:latest",
        "sh",
        "-c",
        script,
      ]);
    run("0:0", "mkdir -p /p/wheels && echo x > /p/wheels/a.whl");
    expect(() => run("1000:1000", "echo y >> /p/wheels/a.whl")).toThrow();
    const r = kiln("volumes", "ensure", "--recursive", "--json");
    expect(r.code, r.stderr).toBe(0);
    const actions = (JSON.parse(r.stdout) as { volumes: { name: string; owner?: string }[] }).volumes;
    expect(actions.find((a) => a.name === pip)?.owner).toBe("1000:1000 (recursive)");
    expect(run("1000:1000", "echo y >> /p/wheels/a.whl && stat -c %u:%g /p/wheels/a.whl").trim()).toBe(
      "1000:1000",
    );
  });

  it("inspect shows the file; unknown volume and in-use prune fail clearly", () => {
    const r = kiln("volumes", "inspect", hf, "--json");
    expect(r.code, r.stderr).toBe(0);
    const info = JSON.parse(r.stdout) as { files: number; largest: { path: string }[]; owner: string };
    expect(info.files).toBe(1);
    expect(info.largest[0]?.path).toBe("model.bin");
    expect(info.owner).toBe("1000:1000");

    const unknown = kiln("volumes", "inspect", `no-such-${id}`);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(`no volume named no-such-${id}`);

    const holder = docker([
      "create",
      "-l",
      testLabel(),
      "-v",
      `${pip}:/p`,
      "kiln-local/busybox:latest",
      "true",
    ]).trim();
    try {
      const busy = kiln("volumes", "prune", pip);
      expect(busy.code).toBe(1);
      expect(busy.stderr).toContain("in use");
      const dry = kiln("volumes", "prune", "--dry-run", "--json");
      const plan = JSON.parse(dry.stdout) as { kept: { name: string }[]; removed: string[] };
      expect(plan.kept.map((k) => k.name)).toContain(pip);
      expect(plan.removed).not.toContain(pip);
      expect(docker(["volume", "inspect", pip, "--format", "{{.Name}}"]).trim()).toBe(pip);
    } finally {
      docker(["rm", "-f", holder]);
    }
    const pruned = kiln("volumes", "prune", pip, "--json");
    expect(pruned.code, pruned.stderr).toBe(0);
    expect((JSON.parse(pruned.stdout) as { removed: string[] }).removed).toEqual([pip]);
  });

  it("warns about an apt cache in an image whose docker-clean empties it", () => {
    const aptDir = tempCopy("volumes/apt-clean");
    try {
      substitute(aptDir);
      const r = runKiln(["volumes", "ls", "--json", "--project-dir", aptDir], { env });
      expect(r.code, r.stderr).toBe(0);
      const [apt] = (JSON.parse(r.stdout) as { volumes: LsVolume[] }).volumes;
      expect(apt?.purpose).toBe("apt");
      expect(codes(apt)).toEqual(["missing-external", "apt-docker-clean"]);
      expect(apt?.warnings[1]?.message).toContain("kiln-local/debian:bookworm");
    } finally {
      removeDir(aptDir);
    }
  });
});
