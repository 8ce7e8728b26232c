/**
 * `kiln doctor` says when a non-root user cannot write a cache volume it mounts — and each
 * verdict is checked against the engine itself: a container of that user really gets EACCES
 * (or really writes) right after. Two ways it happens: a volume whose root folder is root's
 * (files root wrote), and an empty volume, whose root the engine replaces with the owner and
 * mode of the image's folder at the mount point when it creates the container.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engineAvailable, removeDir, runKiln, testLabel } from "../helpers/kiln.js";

interface Check {
  id: string;
  status: "ok" | "warn" | "fail";
  message: string;
  hint?: string;
}

const id = randomBytes(4).toString("hex");
const volume = `kiln-test-access-${id}`;
// not kiln-test-*: other test files sweep those tags at their end
const images = { root755: `kiln-access/mount-755:${id}`, open1777: `kiln-access/mount-1777:${id}` };

function docker(args: string[], input?: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync("docker", args, { encoding: "utf8", input, timeout: 120_000 });
  return { code: r.status ?? 128, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

/** as the service's user, the way compose would start it: does a new file land in the cache? */
function writesAsUser(image: string): boolean {
  const r = docker([
    "run",
    "--rm",
    "-l",
    testLabel(),
    "-u",
    "1000:1000",
    "-v",
    `${volume}:/cache/pip`,
    image,
    "sh",
    "-c",
    `echo ok > /cache/pip/probe-${randomBytes(3).toString("hex")}`,
  ]);
  return r.code === 0;
}

describe.skipIf(!engineAvailable())("kiln doctor: can the cache's user write it?", () => {
  let dir = "";
  let state = "";
  const env = (): NodeJS.ProcessEnv => ({ KILN_STATE_DIR: state, KILN_EXTRA_LABELS: testLabel() });
  const useImage = (image: string) =>
    writeFileSync(
      path.join(dir, "docker-compose.yml"),
      [
        "services:",
        "  app:",
        `    image: ${image}`,
        '    user: "1000:1000"',
        "    environment:",
        "      PIP_CACHE_DIR: /cache/pip",
        "    volumes:",
        "      - pip:/cache/pip",
        "volumes:",
        "  pip:",
        `    name: ${volume}`,
        "    external: true",
        "",
      ].join("\n"),
    );
  const access = (): Check | undefined => {
    const r = runKiln(["doctor", "--json", "--project-dir", dir], { env: env() });
    const checks = (JSON.parse(r.stdout) as { checks: Check[] }).checks;
    return checks.find((c) => c.id === `volume.${volume}.access.app`);
  };

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "kiln-test-access-"));
    state = `${dir}.state`;
    // the mount point as a Dockerfile's `RUN mkdir` leaves it (root, 755), and as /tmp is (1777)
    for (const [tag, mode] of [
      [images.root755, "755"],
      [images.open1777, "1777"],
    ] as const) {
      const r = docker(
        ["build", "-q", "--label", testLabel(), "-t", tag, "-"],
        `FROM kiln-local/busybox:latest\nRUN mkdir -p /cache/pip && chmod ${mode} /cache/pip\n`,
      );
      expect(r.code, r.stderr).toBe(0);
    }
  });

  afterAll(() => {
    const ids = docker(["ps", "-aq", "--filter", `volume=${volume}`])
      .stdout.split("\n")
      .filter(Boolean);
    if (ids.length > 0) docker(["rm", "-f", ...ids]);
    docker(["volume", "rm", "-f", volume]);
    docker(["image", "rm", "-f", images.root755, images.open1777]);
    removeDir(dir);
    removeDir(state);
  });

  it("a volume holding root's files, root folder 0:0 755: warns, ensure --recursive mends it", () => {
    useImage("kiln-local/busybox:latest"); // no folder at the mount point: the volume's own root counts
    expect(docker(["volume", "create", "--label", testLabel(), volume]).code).toBe(0);
    const root = docker([
      "run",
      "--rm",
      "-l",
      testLabel(),
      "-v",
      `${volume}:/v`,
      "kiln-local/busybox:latest",
      "sh",
      "-c",
      "mkdir /v/http && echo x > /v/http/entry",
    ]);
    expect(root.code, root.stderr).toBe(0);
    const before = access();
    expect(before).toMatchObject({ status: "warn", hint: "kiln volumes ensure --recursive" });
    expect(before?.message).toContain("its root folder is 0:0 mode 0755");
    expect(before?.message).toContain("app as 1000:1000 (uid 1000)");
    expect(writesAsUser("kiln-local/busybox:latest")).toBe(false);

    const fix = runKiln(["volumes", "ensure", "--recursive", "--project-dir", dir], { env: env() });
    expect(fix.code, fix.stderr).toBe(0);
    expect(access()).toMatchObject({ status: "ok" });
    expect(writesAsUser("kiln-local/busybox:latest")).toBe(true);
  });

  it("an empty volume under a root 755 mount point: warns about the image, which a chown cannot outlast", () => {
    docker(["volume", "rm", "-f", volume]);
    useImage(images.root755);
    // ensure gives the new volume's root to the user…
    const ensured = runKiln(["volumes", "ensure", "--json", "--project-dir", dir], { env: env() });
    expect(ensured.code, ensured.stderr).toBe(0);
    expect(JSON.parse(ensured.stdout)).toMatchObject({
      volumes: [expect.objectContaining({ name: volume, created: true, currentOwner: "1000:1000" })],
    });
    // …but the engine copies the image folder's owner and mode onto the empty volume
    const warned = access();
    expect(warned).toMatchObject({ status: "warn" });
    expect(warned?.message).toContain(
      `the volume is empty, so the engine gives it the owner and mode of /cache/pip in ${images.root755} (0:0 mode 0755)`,
    );
    expect(warned?.hint).toContain("chmod 1777 /cache/pip");
    expect(writesAsUser(images.root755)).toBe(false);

    // the Dockerfile fixed as the hint says: the same empty volume is writable
    useImage(images.open1777);
    expect(access()).toMatchObject({ status: "ok" });
    expect(writesAsUser(images.open1777)).toBe(true);
    // and `volumes ls` does not call the 1777 root (owned by root) a wrong owner
    const ls = runKiln(["volumes", "ls", "--json", "--project-dir", dir], { env: env() });
    const vols = (JSON.parse(ls.stdout) as { volumes: { name: string; warnings: { code: string }[] }[] })
      .volumes;
    expect(vols.find((v) => v.name === volume)?.warnings).toEqual([]);
  });
});
