/**
 * Issue #13, the acceptance gaps of devcontainer-features.test.ts:
 * - an OCI Feature served from a loopback registry (Debian's docker-registry): published with the
 *   real `devcontainer features publish`, locked with `devcontainer upgrade`, baked by kiln (the
 *   CLI fetches it), fingerprinted by its lock-file digest (a new release → stale → rebuilt), and
 *   `devcontainer up` builds nothing. The Dev Containers CLI speaks plain HTTP only to a registry
 *   named `localhost` (any other host, 127.0.0.1 included, is fetched over https), so the
 *   Feature reference is `localhost:PORT/…` — the registry itself listens on 127.0.0.1.
 * - compose v1 (KILN_COMPOSE=v1, docker-compose 1.29): a devcontainer with Features bakes and
 *   pins; `docker-compose config` shows no build; `devcontainer up` driven through docker-compose
 *   v1 builds nothing.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  engineAvailable,
  fixturesDir,
  makeContextsUnique,
  removeDir,
  repoRoot,
  runKiln,
  testLabel,
} from "../helpers/kiln.js";
import { startRegistry, type TestRegistry } from "../helpers/registry.js";
import { imageIds, madeForDevcontainer } from "../helpers/devcontainer-images.js";

const devcontainerBin = path.join(repoRoot, "node_modules", ".bin", "devcontainer");
const dirs: string[] = [];
const downs: (() => void)[] = [];
afterAll(() => {
  downs.forEach((d) => d());
  dirs.forEach(removeDir);
});

interface BakeJson {
  services: { name: string; image: string; action: string; reason?: string }[];
  pinned: string[];
}

function docker(...args: string[]): string {
  return spawnSync("docker", args, { encoding: "utf8" }).stdout.trim();
}

function devcontainer(args: string[], env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(devcontainerBin, args, { encoding: "utf8", env, timeout: 180_000 });
}

function fixture(prefix: string) {
  // not `kiln-test-…`: other runs' teardown sweeps those tags; this run's images carry its label
  const root = mkdtempSync(path.join(os.tmpdir(), prefix));
  cpSync(path.join(fixturesDir, "devcontainer", "features"), root, { recursive: true });
  makeContextsUnique(root);
  const env = { KILN_STATE_DIR: `${root}.state`, KILN_LABELS: testLabel() };
  dirs.push(root, `${root}.state`);
  const project = `${path
    .basename(root)
    .toLowerCase()
    .replace(/[^-_a-z0-9]/g, "")}_devcontainer`;
  return {
    root,
    env,
    project,
    dcFile: path.join(root, ".devcontainer", "devcontainer.json"),
    composeFile: path.join(root, ".devcontainer", "docker-compose.yml"),
  };
}

/** `devcontainer up` → the container's id; asserts that no image was built for it */
function upBuildsNothing(
  root: string,
  project: string,
  composeFile: string,
  pinned: string,
  extra: string[] = [],
): { containerId: string; log: string } {
  downs.push(() =>
    spawnSync("docker", ["compose", "-p", project, "-f", composeFile, "down", "-v", "-t", "0"], {
      stdio: "ignore",
    }),
  );
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.COMPOSE_PROJECT_NAME;
  const before = imageIds();
  const up = devcontainer(
    ["up", "--workspace-folder", root, "--id-label", testLabel(), "--log-level", "info", ...extra],
    env,
  );
  const result = JSON.parse(up.stdout.trim().split("\n").pop() ?? "{}") as {
    outcome?: string;
    containerId?: string;
  };
  expect(result.outcome, up.stderr.slice(-3000)).toBe("success");
  const created = [...imageIds()].filter((id) => !before.has(id) && madeForDevcontainer(id, project));
  expect(created, "devcontainer up created images").toEqual([]);
  expect(up.stderr).not.toMatch(
    /vsc-\S*-(features|uid)|buildx build|\[\+\] Building|naming to|Successfully built/,
  );
  expect(docker("inspect", "-f", "{{.Image}}", result.containerId ?? "")).toBe(
    docker("image", "inspect", "-f", "{{.Id}}", pinned),
  );
  return { containerId: result.containerId ?? "", log: up.stderr };
}

function exec(container: string, script: string): string {
  const r = spawnSync("docker", ["exec", "-u", "dev", container, "sh", "-c", script], { encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim();
}

describe.skipIf(!engineAvailable())("an OCI Feature from a loopback registry", () => {
  let registry: TestRegistry;
  let ref: string; // localhost:PORT/kiln/tools
  let featureSrc: string;

  /** publishes ./tools at `version` (tags 1, 1.0, …) → the manifest digest */
  function publish(version: string, installExtra = ""): string {
    const meta = path.join(featureSrc, "devcontainer-feature.json");
    writeFileSync(meta, JSON.stringify({ id: "tools", version, name: "kiln test tools" }, null, 2));
    const install = path.join(featureSrc, "install.sh");
    writeFileSync(
      install,
      `#!/bin/sh\nset -e\nprintf '#!/bin/sh\\necho kiln-tool\\n' > /usr/local/bin/kiln-tool\nchmod +x /usr/local/bin/kiln-tool\n${installExtra}`,
    );
    chmodSync(install, 0o755);
    const r = devcontainer([
      "features",
      "publish",
      featureSrc,
      "--registry",
      ref.split("/")[0],
      "--namespace",
      "kiln",
      "--log-level",
      "info",
    ]);
    expect(r.status, r.stderr.slice(-2000)).toBe(0);
    expect(r.stderr).toContain("Sending as plain HTTP request");
    const out = JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}") as Record<string, { digest: string }>;
    return out.tools.digest;
  }

  beforeAll(async () => {
    registry = await startRegistry();
    ref = `localhost:${registry.host.split(":")[1]}/kiln/tools`;
    featureSrc = mkdtempSync(path.join(os.tmpdir(), "kiln-oci-feature-"));
    dirs.push(featureSrc);
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it("published, locked, baked via the CLI, fingerprinted by digest; devcontainer up builds nothing", () => {
    const published = publish("1.0.0");
    const { root, env, project, dcFile, composeFile } = fixture("kiln-oci-");
    // the fixture's local ./features/tools becomes the registry's tools:1 (greeting installs after it)
    writeFileSync(dcFile, readFileSync(dcFile, "utf8").replace('"./features/tools": {}', `"${ref}:1": {}`));
    const greeting = path.join(root, ".devcontainer", "features", "greeting", "devcontainer-feature.json");
    writeFileSync(greeting, readFileSync(greeting, "utf8").replace('"./features/tools"', `"${ref}"`));

    const upgrade = devcontainer(["upgrade", "--workspace-folder", root]);
    expect(upgrade.status, upgrade.stderr.slice(-2000)).toBe(0);
    const lockFile = path.join(root, ".devcontainer", "devcontainer-lock.json");
    const lock = () =>
      (JSON.parse(readFileSync(lockFile, "utf8")) as { features: Record<string, { integrity: string }> })
        .features[`${ref}:1`].integrity;
    const digest1 = lock();
    expect(digest1).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(digest1).toBe(published);

    const dry = runKiln(["bake", "--dry-run"], { env, cwd: root });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`stage Features: ${ref}:1 → ./features/greeting`);
    expect(dry.stderr).not.toContain("has no digest");

    const r = runKiln(["bake", "--json"], { env, cwd: root });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain("has no digest");
    const body = JSON.parse(r.stdout) as BakeJson;
    expect(body.pinned).toEqual(["app"]);
    const pinned = body.services[0].image;
    expect(readFileSync(composeFile, "utf8")).toContain(`image: ${pinned}`);
    expect(readFileSync(dcFile, "utf8")).not.toContain('"features"');
    // the Feature the CLI fetched from the registry is in the image, in the metadata label too
    expect(docker("run", "--rm", pinned, "kiln-tool")).toBe("kiln-tool");
    expect(
      docker("image", "inspect", "-f", '{{index .Config.Labels "devcontainer.metadata"}}', pinned),
    ).toContain(`"id":"${ref}:1"`);

    const again = runKiln(["bake", "--json"], { env, cwd: root });
    expect(again.code, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as BakeJson).services.map((s) => s.action)).toEqual(["skipped"]);

    const up = upBuildsNothing(root, project, composeFile, pinned);
    expect(exec(up.containerId, "kiln-tool")).toBe("kiln-tool");
    expect(exec(up.containerId, "cat /etc/kiln-greeting")).toBe("hello from kiln");

    // a new release under the same tag: the lock file's digest moves → stale → rebuilt with it.
    // (`devcontainer upgrade` reads devcontainer.json, which has no Features while pinned: the
    // lock entry is updated the way it writes it, with the digest the publish reported)
    const digest2 = publish("1.0.1", "echo 1.0.1 > /etc/kiln-tools-release\n");
    expect(digest2).not.toBe(digest1);
    writeFileSync(
      lockFile,
      JSON.stringify(
        {
          features: {
            [`${ref}:1`]: { version: "1.0.1", resolved: `${ref}@${digest2}`, integrity: digest2 },
          },
        },
        null,
        2,
      ) + "\n",
    );
    expect(lock()).toBe(digest2);
    const st = runKiln(["status", "--json"], { env, cwd: root });
    expect(st.code, st.stderr).toBe(0);
    const app = (JSON.parse(st.stdout) as { services: { state: string; reason: string }[] }).services[0];
    expect(app?.state, app?.reason).toBe("stale");
    const rebake = runKiln(["bake", "--json"], { env, cwd: root });
    expect(rebake.code, rebake.stderr).toBe(0);
    const rebaked = (JSON.parse(rebake.stdout) as BakeJson).services[0];
    expect(rebaked.action).toBe("built");
    expect(docker("run", "--rm", rebaked.image, "cat", "/etc/kiln-tools-release")).toBe("1.0.1");
    const restored = runKiln(["restore"], { env, cwd: root });
    expect(restored.code, restored.stderr).toBe(0);
    expect(readFileSync(dcFile, "utf8")).toContain(`"${ref}:1": {}`);
  });

  it("without devcontainer-lock.json: the digest the CLI resolves from the registry, no warning; a new release changes it", () => {
    const digestA = publish("2.0.0");
    const { root, env, dcFile } = fixture("kiln-oci-nolock-");
    writeFileSync(dcFile, readFileSync(dcFile, "utf8").replace('"./features/tools": {}', `"${ref}:2": {}`));
    const greeting = path.join(root, ".devcontainer", "features", "greeting", "devcontainer-feature.json");
    writeFileSync(greeting, readFileSync(greeting, "utf8").replace('"./features/tools"', `"${ref}"`));
    const plan = () => {
      const r = runKiln(["bake", "--dry-run", "--json"], { env, cwd: root });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toContain("has no digest");
      return (JSON.parse(r.stdout) as { plan: { targets: { fingerprint: string }[] } }).plan.targets[0]
        ?.fingerprint;
    };
    const resolved = plan();
    // the same fingerprint as with a lock file holding that digest: resolved = locked
    const lockFile = path.join(root, ".devcontainer", "devcontainer-lock.json");
    const entry = { version: "2.0.0", resolved: `${ref}@${digestA}`, integrity: digestA };
    writeFileSync(lockFile, JSON.stringify({ features: { [`${ref}:2`]: entry } }));
    expect(plan()).toBe(resolved);
    rmSync(lockFile);
    // a new release under the same tag: a different resolved digest → a different fingerprint
    const digestB = publish("2.0.1", "echo 2.0.1 > /etc/kiln-tools-release\n");
    expect(digestB).not.toBe(digestA);
    expect(plan()).not.toBe(resolved);
  });
});

describe.skipIf(!engineAvailable())("devcontainer Features with compose v1 (KILN_COMPOSE=v1)", () => {
  it("bake pins both files, docker-compose config shows no build, devcontainer up via docker-compose v1 builds nothing", () => {
    const { root, env: base, project, dcFile, composeFile } = fixture("kiln-v1features-");
    const env = { ...base, KILN_COMPOSE: "v1" };
    const r = runKiln(["bake", "--json"], { env, cwd: root });
    expect(r.code, r.stderr).toBe(0);
    const body = JSON.parse(r.stdout) as BakeJson;
    expect(body.pinned).toEqual(["app"]);
    const pinned = body.services[0].image;
    expect(readFileSync(dcFile, "utf8")).not.toContain('"features"');

    const config = spawnSync("docker-compose", ["-f", composeFile, "config"], { encoding: "utf8" });
    expect(config.status, config.stderr).toBe(0);
    expect(config.stdout).toContain(`image: ${pinned}`);
    expect(config.stdout).not.toMatch(/^\s+build:/m);
    expect(docker("run", "--rm", pinned, "sh", "-c", "kiln-tool && cat /etc/kiln-greeting")).toBe(
      "kiln-tool\nhello from kiln",
    );

    // the CLI prefers `docker compose` when the docker CLI has it: a docker that refuses the
    // `compose` subcommand makes it fall back to docker-compose (v1)
    const bin = mkdtempSync(path.join(os.tmpdir(), "kiln-nov2-"));
    dirs.push(bin);
    const dockerNoV2 = path.join(bin, "docker");
    writeFileSync(dockerNoV2, '#!/bin/sh\n[ "$1" = compose ] && exit 1\nexec /usr/bin/docker "$@"\n');
    chmodSync(dockerNoV2, 0o755);
    const up = upBuildsNothing(root, project, composeFile, pinned, ["--docker-path", dockerNoV2]);
    expect(up.log).toMatch(/Run: docker-compose .*up -d/);
    expect(exec(up.containerId, "kiln-tool")).toBe("kiln-tool");
  });
});
