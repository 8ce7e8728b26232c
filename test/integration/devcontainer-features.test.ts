/**
 * Features and the UID layer baked into the pinned image (issue #13.1–3, #13.6): a compose
 * devcontainer with two local Features (greeting installsAfter tools; greeting has an option,
 * containerEnv and an entrypoint) and a non-root remoteUser. After `kiln bake`, the real Dev
 * Containers CLI's `devcontainer up` starts the pinned image and builds nothing — no `-features`,
 * no `-uid` image — with the Features in effect. Both BuildKit client modes; bad input refused
 * with the user's files untouched.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync, chmodSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, cpSync } from "node:fs";
import os from "node:os";
import {
  engineAvailable,
  fixturesDir,
  makeContextsUnique,
  removeDir,
  repoRoot,
  runKiln,
  testLabel,
} from "../helpers/kiln.js";
import { expectSchema } from "../helpers/json-schema.js";
import { imageIds, madeForDevcontainer } from "../helpers/devcontainer-images.js";
import {
  contentImageLockDir,
  withContentImageLock,
} from "../../src/adapters/devcontainer/content-image-lock.js";

const devcontainerBin = path.join(repoRoot, "node_modules", ".bin", "devcontainer");
const dirs: string[] = [];
const downs: (() => void)[] = [];
afterAll(() => {
  downs.forEach((d) => d());
  dirs.forEach(removeDir);
});

function docker(...args: string[]): string {
  return spawnSync("docker", args, { encoding: "utf8" }).stdout.trim();
}

interface BakeJson {
  services: { name: string; image: string; action: string; reason?: string }[];
  pinned: string[];
}

function fixture(): { root: string; env: NodeJS.ProcessEnv; dcFile: string; composeFile: string } {
  // not `kiln-test-…`: other test runs' teardown removes every `kiln-test-…` tag, even mid-test;
  // this run's images carry its test label and its teardown removes them
  const root = mkdtempSync(path.join(os.tmpdir(), "kiln-features-"));
  cpSync(path.join(fixturesDir, "devcontainer", "features"), root, { recursive: true });
  makeContextsUnique(root);
  const env = { KILN_STATE_DIR: `${root}.state`, KILN_LABELS: testLabel() };
  dirs.push(root, `${root}.state`);
  return {
    root,
    env,
    dcFile: path.join(root, ".devcontainer", "devcontainer.json"),
    composeFile: path.join(root, ".devcontainer", "docker-compose.yml"),
  };
}

function devcontainerUp(
  root: string,
  extra: string[] = [],
): { outcome: string; containerId: string; log: string } {
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
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.COMPOSE_PROJECT_NAME;
  const up = spawnSync(
    devcontainerBin,
    ["up", "--workspace-folder", root, "--id-label", testLabel(), "--log-level", "info", ...extra],
    { encoding: "utf8", env, timeout: 180_000 },
  );
  const result = JSON.parse(up.stdout.trim().split("\n").pop() ?? "{}") as {
    outcome?: string;
    containerId?: string;
  };
  return { outcome: result.outcome ?? "", containerId: result.containerId ?? "", log: up.stderr };
}

function exec(container: string, user: string, script: string): string {
  const r = spawnSync("docker", ["exec", "-u", user, container, "sh", "-c", script], { encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim();
}

describe.skipIf(!engineAvailable()).each(["buildx", "legacy"] as const)(
  "devcontainer Features (%s)",
  (mode) => {
    it("bake → devcontainer up builds nothing, Features in effect; a Feature edit is stale; restore is byte-identical", () => {
      const { root, env: base, dcFile, composeFile } = fixture();
      const env = {
        ...base,
        KILN_BUILD_MODE: mode,
        ...(mode === "legacy" ? { KILN_DOCKER: "/usr/bin/docker" } : {}),
      };
      const dcOriginal = readFileSync(dcFile, "utf8");
      const composeOriginal = readFileSync(composeFile, "utf8");

      const dry = runKiln(["bake", "--dry-run"], { env, cwd: root });
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.stdout).toMatch(/stage Features: \.\/features\/tools → \.\/features\/greeting/);

      const r = runKiln(["bake", "--json"], { env, cwd: root });
      expect(r.code, r.stderr).toBe(0);
      const body = JSON.parse(r.stdout) as BakeJson;
      expect(body.pinned).toEqual(["app"]);
      const pinned = body.services.find((s) => s.name === "app")!.image;
      // both files pinned: compose → the baked image; devcontainer.json without features
      expect(readFileSync(composeFile, "utf8")).toContain(`image: ${pinned}`);
      const dcPinned = readFileSync(dcFile, "utf8");
      expect(dcPinned).not.toContain('"features"');
      expect(dcPinned).toContain('"postCreateCommand": "echo created >> /tmp/kiln-post-create",\n}');
      expect(dcPinned).toContain("// kiln fixture (#13)");

      const again = runKiln(["bake", "--json"], { env, cwd: root });
      expect(again.code, again.stderr).toBe(0);
      expect((JSON.parse(again.stdout) as BakeJson).services.map((s) => s.action)).toEqual(["skipped"]);

      const project = `${path
        .basename(root)
        .toLowerCase()
        .replace(/[^-_a-z0-9]/g, "")}_devcontainer`;
      const before = imageIds();
      const up = devcontainerUp(root);
      expect(up.outcome, up.log.slice(-3000)).toBe("success");
      const created = [...imageIds()].filter((id) => !before.has(id) && madeForDevcontainer(id, project));
      expect(created, "devcontainer up created images").toEqual([]);
      expect(up.log).not.toMatch(/vsc-\S*-(features|uid)|buildx build|\[\+\] Building|naming to/);
      expect(docker("inspect", "-f", "{{.Image}}", up.containerId)).toBe(
        docker("image", "inspect", "-f", "{{.Id}}", pinned),
      );

      // the Features' files, option, containerEnv and entrypoint; postCreateCommand ran once
      expect(exec(up.containerId, "dev", "cat /etc/kiln-greeting")).toBe("hello from kiln");
      expect(exec(up.containerId, "dev", "kiln-tool")).toBe("kiln-tool");
      expect(exec(up.containerId, "dev", 'echo "$GREETING_FILE"')).toBe("/etc/kiln-greeting");
      expect(exec(up.containerId, "dev", "test -s /tmp/kiln-greeting-entrypoint && echo ran")).toBe("ran");
      expect(exec(up.containerId, "dev", "cat /tmp/kiln-post-create")).toBe("created");
      // the UID the CLI's own layer gives: the host user's, unless a user in the image has it
      // already (root on the host: root=0 exists, so dev keeps its 2345, as the CLI leaves it)
      const hostUid = process.getuid?.() ?? 0;
      expect(Number(exec(up.containerId, "root", "id -u dev"))).toBe(hostUid === 0 ? 2345 : hostUid);

      // one Feature's install.sh changes: stale, naming the Feature and the file
      const install = path.join(root, ".devcontainer", "features", "tools", "install.sh");
      writeFileSync(install, `${readFileSync(install, "utf8")}echo changed > /etc/kiln-tools-changed\n`);
      const st = runKiln(["status", "--json"], { env, cwd: root });
      expect(st.code, st.stderr).toBe(0);
      const app = (JSON.parse(st.stdout) as { services: { name: string; state: string; reason: string }[] })
        .services[0];
      expect(app?.state).toBe("stale");
      expect(app?.reason).toMatch(/Feature \.\/features\/tools: install\.sh changed/);
      const rebake = runKiln(["bake", "--json"], { env, cwd: root });
      expect(rebake.code, rebake.stderr).toBe(0);
      const rebaked = (JSON.parse(rebake.stdout) as BakeJson).services[0];
      expect(rebaked.action).toBe("built");
      expect(docker("run", "--rm", rebaked.image, "cat", "/etc/kiln-tools-changed")).toBe("changed");

      const back = runKiln(["restore"], { env, cwd: root });
      expect(back.code, back.stderr).toBe(0);
      expect(readFileSync(dcFile, "utf8")).toBe(dcOriginal);
      expect(readFileSync(composeFile, "utf8")).toBe(composeOriginal);
    });
  },
);

describe.skipIf(!engineAvailable())("devcontainer Features: bad input leaves both files untouched", () => {
  function expectUntouched(root: string, dc: string, compose: string): void {
    expect(readFileSync(path.join(root, ".devcontainer", "devcontainer.json"), "utf8")).toBe(dc);
    expect(readFileSync(path.join(root, ".devcontainer", "docker-compose.yml"), "utf8")).toBe(compose);
  }

  it.each([
    [
      "a missing Feature folder",
      (root: string) => {
        const f = path.join(root, ".devcontainer", "devcontainer.json");
        writeFileSync(f, readFileSync(f, "utf8").replace('"./features/tools"', '"./features/nope"'));
      },
      /Feature "\.\/features\/nope": folder .* does not exist/,
    ],
    [
      "a malformed devcontainer-feature.json",
      (root: string) =>
        writeFileSync(
          path.join(root, ".devcontainer", "features", "tools", "devcontainer-feature.json"),
          '{ "id": ',
        ),
      /Feature "\.\/features\/tools": .*devcontainer-feature\.json is not valid/,
    ],
    [
      "a dependency cycle",
      (root: string) => {
        const f = path.join(root, ".devcontainer", "features", "tools", "devcontainer-feature.json");
        writeFileSync(f, '{ "id": "tools", "version": "1.0.0", "installsAfter": ["./features/greeting"] }');
      },
      /cycle: \.\/features\/greeting, \.\/features\/tools/,
    ],
  ])("%s → ERR_KILN_FEATURE, exit 2", (_name, breakIt, message) => {
    const { root, env, dcFile, composeFile } = fixture();
    breakIt(root);
    const dc = readFileSync(dcFile, "utf8");
    const compose = readFileSync(composeFile, "utf8");
    const r = runKiln(["bake", "--json"], { env, cwd: root });
    expect(r.code).toBe(2);
    const error = (JSON.parse(r.stdout) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe("ERR_KILN_FEATURE");
    expect(error.message).toMatch(message);
    expectUntouched(root, dc, compose);
  });

  it("a Feature whose install.sh fails → exit 1, the Feature named, files untouched", () => {
    const { root, env, dcFile, composeFile } = fixture();
    const install = path.join(root, ".devcontainer", "features", "greeting", "install.sh");
    writeFileSync(install, "#!/bin/sh\necho kiln-test-failure >&2\nexit 1\n");
    chmodSync(install, 0o755);
    const dc = readFileSync(dcFile, "utf8");
    const compose = readFileSync(composeFile, "utf8");
    const r = runKiln(["bake"], { env, cwd: root });
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(
      /Feature \.\/features\/greeting \("kiln test greeting"\) failed to install/,
    );
    expectUntouched(root, dc, compose);
    const st = runKiln(["status", "--json"], { env, cwd: root });
    expect((JSON.parse(st.stdout) as { services: { state: string }[] }).services[0]?.state).toBe("unbaked");
  });
});

/** a non-root account of this machine with a home folder (the UID layer needs a host UID that is not 0) */
function hostUser(): { uid: number; gid: number; home: string } | undefined {
  if (process.getuid?.() !== 0 || spawnSync("setpriv", ["--version"]).status !== 0) return undefined;
  const dockerGid = /^docker:[^:]*:(\d+):/m.exec(readFileSync("/etc/group", "utf8"))?.[1];
  if (!dockerGid) return undefined;
  for (const line of readFileSync("/etc/passwd", "utf8").split("\n")) {
    const [, , uid, gid, , home] = line.split(":");
    if (Number(uid) >= 1000 && Number(uid) < 60000 && home && existsSync(home)) {
      return { uid: Number(uid), gid: Number(gid), home };
    }
  }
  return undefined;
}

const user = hostUser();

describe.skipIf(!engineAvailable() || !user)("devcontainer UID layer (a non-root host user)", () => {
  it("the remote user's UID becomes the host user's, baked: devcontainer up builds no -uid image", async () => {
    const { root, env } = fixture();
    const u = user!;
    const dockerGid = /^docker:[^:]*:(\d+):/m.exec(readFileSync("/etc/group", "utf8"))![1];
    spawnSync("chown", ["-R", `${u.uid}:${u.gid}`, root]);
    const as = (cmd: string[], extra: NodeJS.ProcessEnv = {}) =>
      spawnSync("setpriv", [`--reuid=${u.uid}`, `--regid=${u.gid}`, `--groups=${dockerGid}`, "--", ...cmd], {
        cwd: root,
        encoding: "utf8",
        timeout: 300_000,
        env: { ...process.env, HOME: u.home, NO_COLOR: "1", ...extra },
      });
    const bake = as([process.execPath, path.join(repoRoot, "bin", "kiln"), "bake", "--dry-run"], {
      ...env,
      KILN_STATE_DIR: path.join(root, ".kiln-state"),
    });
    expect(bake.status, bake.stderr).toBe(0);
    expect(bake.stdout).toContain(`stage UID layer (uid ${u.uid}, gid ${u.gid})`);
    // kiln's Features lock is the user's (src/adapters/devcontainer/content-image-lock.ts): this
    // bake, as another user, takes its own, and the test takes the one the other suites' bakes
    // (as root) wait for, so that none of them builds Features on this engine meanwhile
    const real = await withContentImageLock(contentImageLockDir(), undefined, () =>
      Promise.resolve(
        as([process.execPath, path.join(repoRoot, "bin", "kiln"), "bake"], {
          ...env,
          KILN_STATE_DIR: path.join(root, ".kiln-state"),
        }),
      ),
    );
    expect(real.status, real.stderr).toBe(0);

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
    const cliEnv: NodeJS.ProcessEnv = {};
    const up = as([devcontainerBin, "up", "--workspace-folder", root, "--id-label", testLabel()], cliEnv);
    const result = JSON.parse(up.stdout.trim().split("\n").pop() ?? "{}") as {
      outcome?: string;
      containerId?: string;
    };
    expect(result.outcome, up.stderr.slice(-3000)).toBe("success");
    const created = [...imageIds()].filter((id) => !before.has(id) && madeForDevcontainer(id, project));
    expect(created, "devcontainer up created images").toEqual([]);
    expect(Number(exec(result.containerId ?? "", "root", "id -u dev"))).toBe(u.uid);
    expect(Number(exec(result.containerId ?? "", "root", "id -g dev"))).toBe(u.gid);
  });
});

describe.skipIf(!engineAvailable())("devcontainer Features --mode override", () => {
  it("the user's files stay as committed; devcontainer up on kiln's config builds nothing", () => {
    const { root, env, dcFile } = fixture();
    const git = (...args: string[]): string => {
      const r = spawnSync("git", ["-C", root, ...args], { encoding: "utf8" });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout;
    };
    git("init", "-q");
    git("add", "-A");
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "fixture");
    const r = runKiln(["bake", "--mode", "override", "--json"], { env, cwd: root });
    expect(r.code, r.stderr).toBe(0);
    const body = JSON.parse(r.stdout) as BakeJson & { devcontainerConfig: string };
    expect(git("status", "--porcelain", "--untracked-files=all")).toBe("");
    const generated = readFileSync(body.devcontainerConfig, "utf8");
    expect(generated).not.toContain('"features"');
    expect(generated).toContain('"remoteUser": "dev"');
    const st = runKiln(["status", "--json"], { env, cwd: root });
    expect((JSON.parse(st.stdout) as { services: { state: string }[] }).services[0]?.state).toBe("baked");

    const project = `${path
      .basename(root)
      .toLowerCase()
      .replace(/[^-_a-z0-9]/g, "")}_devcontainer`;
    const before = imageIds();
    const up = devcontainerUp(root, ["--config", body.devcontainerConfig]);
    expect(up.outcome, up.log.slice(-3000)).toBe("success");
    const created = [...imageIds()].filter((id) => !before.has(id) && madeForDevcontainer(id, project));
    expect(created, "devcontainer up created images").toEqual([]);
    expect(exec(up.containerId, "dev", "cat /etc/kiln-greeting")).toBe("hello from kiln");
    expect(readFileSync(dcFile, "utf8")).toContain('"features"');
  });
});

interface DoctorJson {
  checks: { id: string; status: string; message: string }[];
}

describe.skipIf(!engineAvailable())("doctor: would Reopen in Container build?", () => {
  const doctor = (root: string, env: NodeJS.ProcessEnv) =>
    (JSON.parse(runKiln(["doctor", "--json"], { env, cwd: root }).stdout) as DoctorJson).checks.filter((c) =>
      c.id.startsWith("devcontainer.app"),
    );

  it("flags an unbaked devcontainer, then Features listed twice; ok when baked", () => {
    const { root, env, dcFile } = fixture();
    const original = readFileSync(dcFile, "utf8");
    const unbaked = doctor(root, env);
    expect(unbaked.map((c) => c.status)).toEqual(["warn"]);
    expect(unbaked[0]?.message).toMatch(/would build app: it is unbaked/);
    expect(runKiln(["bake"], { env, cwd: root }).code).toBe(0);
    expect(doctor(root, env).map((c) => c.status)).toEqual(["ok"]);
    writeFileSync(dcFile, original); // e.g. a `git checkout` of devcontainer.json
    const twice = doctor(root, env);
    expect(twice.map((c) => `${c.id} ${c.status}`)).toEqual(["devcontainer.app.features warn"]);
    expect(twice[0]?.message).toMatch(
      /still lists Features the pinned image carries \(\.\/features\/greeting, \.\/features\/tools\)/,
    );
  });

  it("flags the UID layer the CLI would build when kiln cannot know the remote user", () => {
    const { root, env, dcFile } = fixture();
    writeFileSync(dcFile, readFileSync(dcFile, "utf8").replace('"remoteUser": "dev",', ""));
    const dockerfile = path.join(root, ".devcontainer", "Dockerfile");
    writeFileSync(
      dockerfile,
      readFileSync(dockerfile, "utf8").replace("USER dev", "ARG APP_USER=dev\nUSER $APP_USER"),
    );
    expect(runKiln(["bake"], { env, cwd: root }).code).toBe(0);
    const uid = doctor(root, env);
    expect(uid.map((c) => `${c.id} ${c.status}`)).toEqual(["devcontainer.app.uid warn"]);
    expect(uid[0]?.message).toMatch(/would build a UID layer \(vsc-…-uid\) for remote user dev/);
  });
});

describe.skipIf(!engineAvailable())("OCI Features are fingerprinted by their lock-file digest", () => {
  const OCI = "ghcr.io/devcontainers/features/common-utils:2";
  function withOci(root: string, dcFile: string): void {
    writeFileSync(
      dcFile,
      readFileSync(dcFile, "utf8").replace(
        '"./features/tools": {},',
        `"./features/tools": {},\n\t\t"${OCI}": {},`,
      ),
    );
    void root;
  }
  const plan = (root: string, env: NodeJS.ProcessEnv) =>
    runKiln(["bake", "--dry-run", "--json"], { env, cwd: root });

  it("offline without devcontainer-lock.json: a warning naming the reference; with it: the digest, no warning", () => {
    const { root, env, dcFile } = fixture();
    withOci(root, dcFile);
    const bare = plan(root, env);
    expect(bare.code, bare.stderr).toBe(0);
    expect(bare.stderr).toContain(`Feature ${OCI} has no digest in devcontainer-lock.json`);
    expectSchema("bake", JSON.parse(bare.stdout));
    const lock = (digest: string) =>
      writeFileSync(
        path.join(root, ".devcontainer", "devcontainer-lock.json"),
        JSON.stringify({
          features: {
            [OCI]: {
              version: "2.5.1",
              resolved: `ghcr.io/devcontainers/features/common-utils@${digest}`,
              integrity: digest,
            },
          },
        }),
      );
    lock(`sha256:${"a".repeat(64)}`);
    const locked = plan(root, env);
    expect(locked.code, locked.stderr).toBe(0);
    expect(locked.stderr).not.toContain("has no digest");
    const fingerprint = (r: { stdout: string }) =>
      (JSON.parse(r.stdout) as { plan: { targets: { fingerprint: string }[] } }).plan.targets[0]?.fingerprint;
    expect(fingerprint(locked)).not.toBe(fingerprint(bare));
    lock(`sha256:${"b".repeat(64)}`);
    expect(fingerprint(plan(root, env))).not.toBe(fingerprint(locked));
  });
});
