/**
 * #16.0 on the real engine: `kiln lint --fix` on the two Dockerfiles whose fixed versions used
 * to fail to build — the node-mongo devcontainer template (`apt-get clean` after `; fi \`) and
 * a stage whose base ends with a non-root USER that installs through sudo. Both fixed files
 * build.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dockerBuild, removeImages } from "../helpers/docker-build.js";
import { engineAvailable, removeDir, runKiln, tempCopy, testRunId } from "../helpers/kiln.js";

describe.skipIf(!engineAvailable())("kiln lint --fix keeps RUNs building (#16.0)", () => {
  let dir = "";
  let state = "";
  const tag = (name: string): string => `kiln-lint-shell-${name}:${testRunId()}`;
  const base = tag("sudo-base");

  beforeAll(() => {
    dir = tempCopy("lint/fix-builds");
    state = tempCopy();
    const b = dockerBuild(path.join(dir, "sudo-base"), base);
    if (b.status !== 0) throw new Error(`sudo base did not build:\n${b.log.slice(-3000)}`);
  });
  afterAll(() => {
    removeImages(base, tag("node-mongo"), tag("sudo-user"), tag("sudo-user-nosudo"));
    if (dir) removeDir(dir);
    if (state) removeDir(state);
  });

  function fix(name: string): string {
    const file = path.join(dir, name, "Dockerfile");
    const r = runKiln(["lint", "--fix", "--fail-level", "none", file], { env: { KILN_STATE_DIR: state } });
    expect(r.code, r.stderr).toBe(0);
    return readFileSync(file, "utf8");
  }

  it("node-mongo: `apt-get clean -y` after `; fi \\` goes, `; fi` stays, and the image builds", () => {
    const before = readFileSync(path.join(dir, "node-mongo", "Dockerfile"), "utf8");
    const fixed = fix("node-mongo");
    expect(fixed).not.toBe(before);
    expect(fixed).toContain("apt-get install -y --no-install-recommends file; fi\n");
    expect(fixed).not.toContain("apt-get clean");
    expect(fixed).toContain("--mount=type=cache,target=/var/cache/apt,sharing=locked");
    const b = dockerBuild(path.join(dir, "node-mongo"), tag("node-mongo"));
    expect(b.status, b.log.slice(-3000)).toBe(0);
  });

  it("non-root USER with sudo apt-get: the inserted docker-clean removal runs through sudo and builds", () => {
    const fixed = fix("sudo-user");
    expect(fixed).toContain("sudo rm -f /etc/apt/apt.conf.d/docker-clean");
    const b = dockerBuild(path.join(dir, "sudo-user"), tag("sudo-user"), { buildArgs: { BASE: base } });
    expect(b.status, b.log.slice(-3000)).toBe(0);
    // the base really is non-root: the same fix without sudo is what used to fail
    const nosudo = path.join(dir, "sudo-user", "Dockerfile.nosudo");
    writeFileSync(nosudo, fixed.replace("sudo rm -f /etc/apt", "rm -f /etc/apt"));
    const broken = dockerBuild(path.join(dir, "sudo-user"), tag("sudo-user-nosudo"), {
      file: nosudo,
      buildArgs: { BASE: base },
    });
    expect(broken.status).not.toBe(0);
    expect(broken.log).toContain("Permission denied");
  });
});
