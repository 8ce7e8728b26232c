/**
 * The Dev Containers CLI on Podman (#18): a compose devcontainer with two local Features and a
 * non-root remoteUser (test/fixtures/devcontainer/features), baked by kiln on Podman (the
 * Features installed by the CLI's own `devcontainer build --docker-path podman`, the UID layer
 * baked), then `devcontainer up --docker-path podman --docker-compose-path <compose v2>` starts
 * the pinned image and builds nothing. DOCKER_HOST at Podman's socket throughout; everything made
 * carries the run label and is removed from Podman afterwards.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fixturesDir, makeContextsUnique, removeDir, runKiln } from "../helpers/kiln.js";
import {
  PODMAN_HOST,
  composeForDevcontainerCli,
  podman,
  removePodmanProject,
  podmanCliSetup,
  sweepPodman,
} from "../helpers/podman.js";

const { devcontainerCli, label, available } = podmanCliSetup("pdc");
const dirs: string[] = [];
const projects: string[] = [];

afterAll(() => {
  projects.forEach(removePodmanProject);
  if (available) {
    sweepPodman(label);
    // the CLI's Feature content image (a fixed name, no label) from the bake
    podman(["rmi", "localhost/dev_container_feature_content_temp:latest"]);
  }
  dirs.forEach(removeDir);
}, 120_000);

function exec(container: string, user: string, script: string): string {
  const r = podman(["exec", "-u", user, container, "sh", "-c", script]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim();
}

describe.skipIf(!available)("the Dev Containers CLI on Podman", () => {
  it("bake on Podman → devcontainer up --docker-path podman builds nothing; Features and remote user in effect; restore", () => {
    // not `kiln-test-…`: other runs' teardown removes every `kiln-test-…` tag
    const root = mkdtempSync(path.join(os.tmpdir(), "kiln-podman-features-"));
    cpSync(path.join(fixturesDir, "devcontainer", "features"), root, { recursive: true });
    makeContextsUnique(root);
    dirs.push(root, `${root}.state`);
    const env = { KILN_STATE_DIR: `${root}.state`, KILN_LABELS: label, DOCKER_HOST: PODMAN_HOST };
    const dcFile = path.join(root, ".devcontainer", "devcontainer.json");
    const composeFile = path.join(root, ".devcontainer", "docker-compose.yml");
    const dcOriginal = readFileSync(dcFile, "utf8");
    const composeOriginal = readFileSync(composeFile, "utf8");

    const bake = runKiln(["bake", "--json"], { env, cwd: root });
    expect(bake.code, bake.stderr).toBe(0);
    const app = (JSON.parse(bake.stdout) as { services: { name: string; image: string; action: string }[] })
      .services[0];
    expect(app?.action).toBe("built");
    const pinned = app?.image ?? "";
    expect(podman(["image", "exists", pinned]).code).toBe(0);
    expect(readFileSync(composeFile, "utf8")).toContain(`image: ${pinned}`);
    expect(readFileSync(dcFile, "utf8")).not.toContain('"features"');

    const project = `${path
      .basename(root)
      .toLowerCase()
      .replace(/[^-_a-z0-9]/g, "")}_devcontainer`;
    projects.push(project);
    const before = new Set(podman(["images", "-a", "-q", "--no-trunc"]).stdout.split("\n").filter(Boolean));
    const cliEnv: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: PODMAN_HOST };
    delete cliEnv.COMPOSE_PROJECT_NAME;
    const up = spawnSync(
      devcontainerCli,
      [
        "up",
        "--workspace-folder",
        root,
        "--docker-path",
        "podman",
        "--docker-compose-path",
        composeForDevcontainerCli(),
        "--id-label",
        label,
        "--log-level",
        "debug",
      ],
      { encoding: "utf8", env: cliEnv, timeout: 240_000 },
    );
    const log = `${up.stdout}${up.stderr}`;
    const result = JSON.parse(up.stdout.trim().split("\n").pop() ?? "{}") as {
      outcome?: string;
      containerId?: string;
    };
    expect(result.outcome, log.slice(-3000)).toBe("success");
    const container = result.containerId ?? "";
    // the pinned image, and no image made for this workspace: no Features image, no UID layer
    expect(podman(["inspect", "--format", "{{.Image}}", container]).stdout.trim()).toBe(
      podman(["image", "inspect", "--format", "{{.Id}}", pinned]).stdout.trim(),
    );
    const made = podman(["images", "-a", "-q", "--no-trunc"])
      .stdout.split("\n")
      .filter((i) => i && !before.has(i))
      .map((i) => podman(["image", "inspect", "--format", "{{json .RepoTags}}", i]).stdout)
      .filter((tags) => tags.includes(path.basename(root).toLowerCase()));
    expect(made).toEqual([]);
    expect(log).not.toMatch(/vsc-\S*-(features|uid)|podman build |buildx build|updateUID\.Dockerfile/);

    // the Features' files, option, containerEnv and entrypoint; postCreateCommand ran; the
    // remote user dev keeps its UID (root on the host: the CLI leaves it, and so does kiln)
    expect(exec(container, "dev", "cat /etc/kiln-greeting")).toBe("hello from kiln");
    expect(exec(container, "dev", "kiln-tool")).toBe("kiln-tool");
    expect(exec(container, "dev", 'echo "$GREETING_FILE"')).toBe("/etc/kiln-greeting");
    expect(exec(container, "dev", "test -s /tmp/kiln-greeting-entrypoint && echo ran")).toBe("ran");
    expect(exec(container, "dev", "cat /tmp/kiln-post-create")).toBe("created");
    const hostUid = process.getuid?.() ?? 0;
    expect(Number(exec(container, "root", "id -u dev"))).toBe(hostUid === 0 ? 2345 : hostUid);

    const back = runKiln(["restore"], { env, cwd: root });
    expect(back.code, back.stderr).toBe(0);
    expect(readFileSync(dcFile, "utf8")).toBe(dcOriginal);
    expect(readFileSync(composeFile, "utf8")).toBe(composeOriginal);
  }, 600_000);
});
