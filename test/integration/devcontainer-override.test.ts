/**
 * `kiln bake --mode override` on a devcontainer (issue #13.4): the user's tracked files stay
 * untouched (git status clean) and the real Dev Containers CLI, opened on the config kiln points
 * to, starts the baked images without building anything — in both BuildKit client modes.
 * docker-compose v1 is refused precisely (it cannot read the override's `!reset`).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  bakeFixture,
  engineAvailable,
  removeDir,
  repoRoot,
  runKiln,
  tempCopy,
  testLabel,
} from "../helpers/kiln.js";
import { imageIds, madeForDevcontainer } from "../helpers/devcontainer-images.js";

const devcontainerBin = path.join(repoRoot, "node_modules", ".bin", "devcontainer");
const dirs: string[] = [];
const downs: (() => void)[] = [];
afterAll(() => {
  downs.forEach((d) => d());
  dirs.forEach(removeDir);
});

function git(dir: string, ...args: string[]): string {
  const r = spawnSync("git", ["-C", dir, ...args], { encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

interface BakeJson {
  services: { name: string; image: string; action: string }[];
  pinned: string[];
  overrideFile: string;
  devcontainerConfig?: string;
}

describe.skipIf(!engineAvailable()).each(["buildx", "legacy"] as const)(
  "devcontainer --mode override (%s)",
  (mode) => {
    it("git status stays clean and devcontainer up on kiln's config builds nothing", () => {
      const { dir: root, env: base } = bakeFixture("devcontainer/node-postgres");
      dirs.push(root, `${root}.state`);
      const env = {
        ...base,
        KILN_BUILD_MODE: mode,
        ...(mode === "legacy" ? { KILN_DOCKER: "/usr/bin/docker" } : {}),
      };
      git(root, "init", "-q");
      git(root, "add", "-A");
      git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "fixture");
      const userConfig = readFileSync(path.join(root, ".devcontainer", "devcontainer.json"), "utf8");

      const r = runKiln(["bake", "--mode", "override", "--json"], { env, cwd: root });
      expect(r.code, r.stderr).toBe(0);
      const body = JSON.parse(r.stdout) as BakeJson;
      expect(body.pinned.sort()).toEqual(["app", "db"]);
      const config = body.devcontainerConfig!;
      expect(config).toBe(path.join(root, ".devcontainer", "kiln", "devcontainer.json"));
      expect(readFileSync(config, "utf8")).toContain('"x-kiln-generated"');
      expect(git(root, "status", "--porcelain", "--untracked-files=all")).toBe("");

      const st = runKiln(["status", "--json"], { env, cwd: root });
      expect(st.code, st.stderr).toBe(0);
      const states = (JSON.parse(st.stdout) as { services: { name: string; state: string }[] }).services;
      expect(states.filter((s) => s.name !== "docs").map((s) => s.state)).toEqual(["baked", "baked"]);

      // a second bake builds nothing (the generated config is not part of the fingerprint)
      const again = runKiln(["bake", "--mode", "override", "--json"], { env, cwd: root });
      expect(again.code, again.stderr).toBe(0);
      expect((JSON.parse(again.stdout) as BakeJson).services.every((s) => s.action === "skipped")).toBe(true);

      const project = `${path
        .basename(root)
        .toLowerCase()
        .replace(/[^-_a-z0-9]/g, "")}_devcontainer`;
      downs.push(() =>
        spawnSync(
          "docker",
          [
            "compose",
            "-p",
            project,
            "-f",
            path.join(root, ".devcontainer", "docker-compose.yml"),
            "down",
            "-v",
            "-t",
            "0",
          ],
          { stdio: "ignore" },
        ),
      );
      const before = imageIds();
      const cliEnv: NodeJS.ProcessEnv = { ...process.env };
      delete cliEnv.COMPOSE_PROJECT_NAME;
      const up = spawnSync(
        devcontainerBin,
        [
          "up",
          "--workspace-folder",
          root,
          "--config",
          config,
          "--id-label",
          testLabel(),
          "--log-level",
          "info",
        ],
        { encoding: "utf8", env: cliEnv, timeout: 180_000 },
      );
      const outcome = JSON.parse(up.stdout.trim().split("\n").pop() ?? "{}") as {
        outcome?: string;
        containerId?: string;
      };
      expect(outcome.outcome, up.stderr.slice(-3000)).toBe("success");
      // other test files share the engine: count only images this devcontainer could have made
      const created = [...imageIds()].filter((id) => !before.has(id) && madeForDevcontainer(id, project));
      expect(created, "devcontainer up created images").toEqual([]);
      const appImage = body.services.find((s) => s.name === "app")!.image;
      const pinnedId = spawnSync("docker", ["image", "inspect", "-f", "{{.Id}}", appImage], {
        encoding: "utf8",
      }).stdout.trim();
      const runningId = spawnSync("docker", ["inspect", "-f", "{{.Image}}", outcome.containerId ?? ""], {
        encoding: "utf8",
      }).stdout.trim();
      expect(runningId).toBe(pinnedId);
      expect(up.stderr).not.toMatch(/\[\+\] Building|naming to/);

      // restore removes kiln's config and its exclude line; the user's files never changed
      const back = runKiln(["restore"], { env, cwd: root });
      expect(back.code, back.stderr).toBe(0);
      expect(existsSync(config)).toBe(false);
      expect(readFileSync(path.join(root, ".git", "info", "exclude"), "utf8")).not.toContain("kiln");
      expect(readFileSync(path.join(root, ".devcontainer", "devcontainer.json"), "utf8")).toBe(userConfig);
      expect(git(root, "status", "--porcelain", "--untracked-files=all")).toBe("");
    });
  },
);

describe.skipIf(!engineAvailable())("devcontainer --mode override status", () => {
  it("does not say baked when kiln's devcontainer config is gone or out of date", () => {
    const { dir: root, env } = bakeFixture("devcontainer/node-postgres");
    dirs.push(root, `${root}.state`);
    const r = runKiln(["bake", "--mode", "override", "--json"], { env, cwd: root });
    expect(r.code, r.stderr).toBe(0);
    const userConfig = path.join(root, ".devcontainer", "devcontainer.json");
    writeFileSync(
      userConfig,
      readFileSync(userConfig, "utf8").replace(
        '"service": "app"',
        '"service": "app", "shutdownAction": "none"',
      ),
    );
    const st = runKiln(["status", "--json"], { env, cwd: root });
    const app = (
      JSON.parse(st.stdout) as { services: { name: string; state: string; reason: string }[] }
    ).services.find((s) => s.name === "app");
    expect(app?.state).toBe("unbaked");
    expect(app?.reason).toMatch(/no longer matches/);
    const doc = runKiln(["doctor", "--json"], { env, cwd: root });
    const check = (
      JSON.parse(doc.stdout) as { checks: { id: string; status: string; message: string }[] }
    ).checks.find((c) => c.message.startsWith("Reopen in Container would build app"));
    expect(check?.status, doc.stdout).toBe("warn");
  });
});

describe.skipIf(!engineAvailable() || spawnSync("docker-compose", ["version", "--short"]).status !== 0)(
  "compose v1",
  () => {
    it("really cannot read the override's !reset, so kiln refuses precisely before building", () => {
      const root = tempCopy("devcontainer/node-postgres");
      dirs.push(root, `${root}.state`);
      const v = spawnSync("docker-compose", ["version", "--short"], { encoding: "utf8" }).stdout.trim();
      expect(v).toMatch(/^1\./);
      const override = path.join(root, "override.yml");
      writeFileSync(override, "services:\n  app:\n    build: !reset null\n    image: x\n");
      const cfg = spawnSync(
        "docker-compose",
        ["-f", path.join(root, ".devcontainer", "docker-compose.yml"), "-f", override, "config"],
        { encoding: "utf8" },
      );
      expect(cfg.status).not.toBe(0);

      const r = runKiln(["bake", "--mode", "override", "--json"], {
        cwd: root,
        env: { KILN_STATE_DIR: `${root}.state`, KILN_LABELS: testLabel(), KILN_COMPOSE: "v1" },
      });
      expect(r.code).toBe(2);
      expect(JSON.parse(r.stdout)).toMatchObject({
        ok: false,
        error: { code: "ERR_KILN_OVERRIDE_COMPOSE_V1" },
      });
      expect(existsSync(path.join(root, ".devcontainer", "kiln"))).toBe(false);
    });
  },
);
