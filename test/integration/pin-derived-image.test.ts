/**
 * #12.2: an image built FROM a pinned image (the Dev Containers CLI's `-uid` image, a Features
 * image) inherits kiln's labels. kiln must tell its own image from such a child — by the
 * content tag, which a child cannot inherit — so status stays baked, doctor stays ok, a
 * container running the child counts as running the baked image, and a bake never takes the
 * child for the baked image.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  contentImageLockDir,
  withContentImageLock,
} from "../../src/adapters/devcontainer/content-image-lock.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bakeFixture, engineAvailable, removeDir, repoRoot, runKiln, testLabel } from "../helpers/kiln.js";

const dirs: string[] = [];
const images = new Set<string>();
const containers: string[] = [];
afterAll(() => {
  if (containers.length) spawnSync("docker", ["rm", "-f", ...containers], { stdio: "ignore" });
  for (const i of images) spawnSync("docker", ["image", "rm", "-f", i], { stdio: "ignore" });
  dirs.forEach(removeDir);
});

function docker(args: string[], input?: string) {
  const r = spawnSync("docker", args, { encoding: "utf8", input, timeout: 120_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}`, stdout: r.stdout.trim() };
}

interface StatusJson {
  services: { name: string; state: string; image: string; reason: string }[];
}
interface DoctorJson {
  checks: { id: string; status: string; message: string; hint?: string }[];
}

/** what `devcontainer up` does for a non-root remote user: a child image FROM the pinned one */
function buildChild(from: string, tag: string): string {
  images.add(tag);
  const b = docker(
    ["build", "-q", "--label", testLabel(), "-t", tag, "-"],
    `FROM ${from}\nRUN echo uid-update > /uid\n`,
  );
  expect(b.code, b.out).toBe(0);
  return docker(["image", "inspect", "--format", "{{.Id}}", tag]).stdout;
}

describe.skipIf(!engineAvailable())("images built FROM a pinned image (#12.2)", () => {
  let dir = "";
  let env: NodeJS.ProcessEnv = {};
  let api = "";
  let child = "";
  let childId = "";

  beforeAll(() => {
    ({ dir, env } = bakeFixture("bake/basic"));
    dirs.push(dir, `${dir}.state`);
    const r = runKiln(["bake", "--json", "--project-dir", dir], { env });
    expect(r.code, r.stderr).toBe(0);
    api = (JSON.parse(r.stdout) as { services: { name: string; image: string }[] }).services.find(
      (s) => s.name === "api",
    )!.image;
    images.add(api);
    child = `vsc-${path.basename(dir).toLowerCase()}-uid`;
    childId = buildChild(api, child);
  });

  it("status stays baked and doctor ok with a child image on the engine", () => {
    const st = runKiln(["status", "--json", "--project-dir", dir], { env });
    expect(st.code, st.stderr).toBe(0);
    expect((JSON.parse(st.stdout) as StatusJson).services, st.stdout).toMatchObject([
      { name: "api", state: "baked", image: api },
      { name: "worker", state: "baked" },
    ]);
    const d = runKiln(["doctor", "--json", "--project-dir", dir], { env });
    const checks = (JSON.parse(d.stdout) as DoctorJson).checks;
    expect(
      checks.find((c) => c.id === "service.api"),
      d.stdout,
    ).toMatchObject({ status: "ok" });
    expect(
      checks.filter((c) => c.status === "fail"),
      d.stdout,
    ).toEqual([]);
    expect(d.code, d.stdout).toBe(0);
  });

  it("a container running the child counts as running the baked image", () => {
    const project = path.basename(dir).toLowerCase();
    const c = docker([
      "run",
      "-d",
      "--label",
      testLabel(),
      "--label",
      `com.docker.compose.project=${project}`,
      "--label",
      "com.docker.compose.service=api",
      child,
      "sleep",
      "300",
    ]);
    expect(c.code, c.out).toBe(0);
    containers.push(c.stdout);
    const d = runKiln(["doctor", "--json", "--project-dir", dir], { env });
    const checks = (JSON.parse(d.stdout) as DoctorJson).checks;
    expect(
      checks.find((x) => x.id === "container.api"),
      d.stdout,
    ).toMatchObject({ status: "ok" });
    docker(["rm", "-f", c.stdout]);
  });

  it("a bake never takes the child for the baked image when the pinned tag is gone", () => {
    // the pinned tag removed (the image itself survives under its other tag)
    expect(docker(["image", "rm", api]).code).toBe(0);
    const st = runKiln(["status", "--json", "--project-dir", dir], { env });
    expect((JSON.parse(st.stdout) as StatusJson).services.find((s) => s.name === "api")?.state).toBe(
      "missing-image",
    );
    const r = runKiln(["bake", "--json", "--project-dir", dir], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(docker(["image", "inspect", "--format", "{{.Id}}", api]).stdout).not.toBe(childId);
    const uid = docker(["run", "--rm", "--entrypoint", "sh", api, "-c", "cat /uid 2>/dev/null || echo none"]);
    expect(uid.stdout).toBe("none");
    const again = runKiln(["status", "--json", "--project-dir", dir], { env });
    expect((JSON.parse(again.stdout) as StatusJson).services.find((s) => s.name === "api")?.state).toBe(
      "baked",
    );
  });

  it("a rebuild after the child exists keeps status baked", () => {
    const file = path.join(dir, "api", "server.txt");
    writeFileSync(file, `${readFileSync(file, "utf8")}changed\n`);
    const r = runKiln(["bake", "--json", "--project-dir", dir], { env });
    expect(r.code, r.stderr).toBe(0);
    const next = (JSON.parse(r.stdout) as { services: { name: string; image: string }[] }).services.find(
      (s) => s.name === "api",
    )!.image;
    images.add(next);
    buildChild(next, `${child}2`);
    const st = runKiln(["status", "--json", "--project-dir", dir], { env });
    expect(
      (JSON.parse(st.stdout) as StatusJson).services.find((s) => s.name === "api"),
      st.stdout,
    ).toMatchObject({
      state: "baked",
      image: next,
    });
  });
});

describe.skipIf(!engineAvailable())(
  "the real Dev Containers CLI builds a Features image FROM the pinned one (#12.2)",
  () => {
    const devcontainerBin = path.join(repoRoot, "node_modules", ".bin", "devcontainer");
    let down = (): void => undefined;
    afterAll(() => down());

    it("after `devcontainer up`, status is baked and doctor ok (the container runs the derived image)", async () => {
      const { dir, env } = bakeFixture("bake/devcontainer-feature");
      dirs.push(dir, `${dir}.state`);
      // kiln bakes (and pins) the Features of the config it bakes (#13), so the derived image
      // comes from a second config on the same service whose Feature kiln did not bake
      const kilnConfig = path.join(dir, ".devcontainer", "devcontainer.json");
      const derivedConfig = path.join(dir, ".devcontainer", "derived", "devcontainer.json");
      const r = runKiln(["bake", "--json", "--project-dir", dir, "--devcontainer", kilnConfig], { env });
      expect(r.code, r.stderr).toBe(0);
      const body = JSON.parse(r.stdout) as { project: string; services: { name: string; image: string }[] };
      images.add(body.services[0].image);
      const project = `${path
        .basename(dir)
        .toLowerCase()
        .replace(/[^a-z0-9_-]/g, "")}_devcontainer`;
      down = () => {
        spawnSync(
          "docker",
          [
            "compose",
            "-p",
            project,
            "-f",
            path.join(dir, ".devcontainer", "compose.yaml"),
            "down",
            "-t",
            "0",
          ],
          { stdio: "ignore" },
        );
      };
      // offline: the classic builder needs no `# syntax=` frontend image from Docker Hub
      // it builds the Features through the CLI's fixed temp image: one such build at a time
      const up = await withContentImageLock(contentImageLockDir(), undefined, () =>
        Promise.resolve(
          spawnSync(
            devcontainerBin,
            ["up", "--workspace-folder", dir, "--config", derivedConfig, "--buildkit", "never"],
            { encoding: "utf8", timeout: 180_000 },
          ),
        ),
      );
      const outcome = JSON.parse(up.stdout.trim().split("\n").pop() ?? "{}") as {
        containerId?: string;
        outcome?: string;
      };
      expect(outcome.outcome, up.stderr.slice(-2000)).toBe("success");
      const running = docker(["inspect", "--format", "{{.Image}}", outcome.containerId ?? ""]).stdout;
      for (const tag of docker([
        "image",
        "inspect",
        "--format",
        '{{join .RepoTags " "}}',
        running,
      ]).stdout.split(" "))
        if (tag) images.add(tag);
      expect(running).not.toBe(
        docker(["image", "inspect", "--format", "{{.Id}}", body.services[0].image]).stdout,
      );

      const st = runKiln(["status", "--json", "--project-dir", dir, "--devcontainer", kilnConfig], { env });
      expect((JSON.parse(st.stdout) as StatusJson).services, st.stdout).toMatchObject([
        { name: "app", state: "baked" },
      ]);
      const d = runKiln(["doctor", "--json", "--project-dir", dir, "--devcontainer", kilnConfig], { env });
      const checks = (JSON.parse(d.stdout) as DoctorJson).checks;
      expect(
        checks.find((c) => c.id === "service.app"),
        d.stdout,
      ).toMatchObject({ status: "ok" });
      expect(
        checks.find((c) => c.id === "container.app"),
        d.stdout,
      ).toMatchObject({ status: "ok" });
      expect(
        checks.filter((c) => c.status === "fail"),
        d.stdout,
      ).toEqual([]);
    });
  },
);
