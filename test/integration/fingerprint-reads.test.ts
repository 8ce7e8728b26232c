/**
 * #15.1: the fingerprint covers the context files the build reads. In a project whose context
 * holds devcontainer.json and a bind-mounted ./data, editing them leaves the service fresh; a
 * change to requirements.txt (or a copied source) makes it stale — and the real engine agrees:
 * the same edits leave every step CACHED, or re-run the step that reads the file. Both BuildKit
 * client modes.
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bakeFixture, engineAvailable, removeDir, runKiln, testRunId } from "../helpers/kiln.js";
import { realBuild, removeImages, type BuildMode } from "../helpers/docker-build.js";

type Mode = BuildMode;

const dirs: string[] = [];
const images: string[] = [];
afterAll(() => {
  removeImages(...images);
  dirs.forEach(removeDir);
});

interface Target {
  service: string;
  action: string;
  reason: string;
  cause: { code: string; changes?: { kind: string; paths?: string[] }[] };
  reads?: { sources?: string[]; whole: string[] };
}

function modeEnv(mode: Mode): NodeJS.ProcessEnv {
  return { KILN_BUILD_MODE: mode, ...(mode === "legacy" ? { KILN_DOCKER: "/usr/bin/docker" } : {}) };
}

describe.skipIf(!engineAvailable()).each<Mode>(["buildx", "legacy"])("fingerprint reads (%s)", (mode) => {
  it("stays fresh for devcontainer.json and ./data, goes stale for requirements.txt and copied sources", () => {
    const { dir, env: base } = bakeFixture("bake/reads");
    dirs.push(dir, `${dir}.state`);
    const env = { ...base, ...modeEnv(mode) };
    const plan = (): Target => {
      const r = runKiln(["bake", "--dry-run", "--json", "--project-dir", dir], { env });
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as { plan: { targets: Target[] } }).plan.targets[0];
    };
    const baked = runKiln(["bake", "--json", "--project-dir", dir], { env });
    expect(baked.code, baked.stderr).toBe(0);
    expect(plan()).toMatchObject({
      action: "skip",
      reason: "skip: fresh",
      cause: { code: "fresh" },
      reads: { sources: ["requirements.txt", "src/*.py"], whole: [] },
    });

    const tag = `kiln-test-reads-${mode}:${testRunId()
      .toLowerCase()
      .replace(/[^a-z0-9_.-]/g, "-")}`;
    images.push(tag);
    realBuild(dir, tag, mode); // warms the cache for the edits below

    // files outside what the build reads: fresh, and the real build caches every step
    writeFileSync(
      path.join(dir, ".devcontainer", "devcontainer.json"),
      '{ "name": "reads", "dockerComposeFile": "../compose.yml", "service": "app", "forwardPorts": [9000] }\n',
    );
    writeFileSync(path.join(dir, "data", `written-by-container-${mode}.db`), "rows\n");
    appendFileSync(path.join(dir, "src", "notes.md"), "more notes\n");
    writeFileSync(path.join(dir, "README.md"), "# changed\n");
    expect(plan()).toMatchObject({ action: "skip", reason: "skip: fresh" });
    expect(realBuild(dir, tag, mode)).toEqual([]);

    // a file the build copies: stale, and the real build re-runs the COPY that reads it
    // (unique content: the engine's cache is shared with other runs)
    appendFileSync(path.join(dir, "requirements.txt"), `requests==2.31.0 # ${mode} ${Math.random()}\n`);
    const stale = plan();
    expect(stale.action).toBe("build");
    expect(stale.reason).toContain("requirements.txt");
    expect(stale.cause).toEqual({
      code: "sources-changed",
      changes: [{ kind: "sources", paths: ["requirements.txt"] }],
    });
    expect(realBuild(dir, tag, mode)[0]).toBe("COPY requirements.txt ./");

    // a new file matched by a wildcard source
    const baked2 = runKiln(["bake", "--json", "--project-dir", dir], { env });
    expect(baked2.code, baked2.stderr).toBe(0);
    writeFileSync(path.join(dir, "src", "extra.py"), `x = ${Math.random()}\n`);
    expect(plan()).toMatchObject({ action: "build" });
    expect(realBuild(dir, tag, mode)[0]).toBe("COPY src/*.py ./src/");
  });
});

describe.skipIf(!engineAvailable())("whole-context builds (#15.2)", () => {
  it("why and doctor point at devcontainer.json and the bind-mounted ./data with .dockerignore lines", () => {
    const { dir, env } = bakeFixture("bake/reads");
    dirs.push(dir, `${dir}.state`);
    const dockerfile = path.join(dir, "Dockerfile");
    writeFileSync(
      dockerfile,
      readFileSync(dockerfile, "utf8").replace("COPY requirements.txt ./", "COPY . ./"),
    );
    const baked = runKiln(["bake", "--json", "--project-dir", dir], { env });
    expect(baked.code, baked.stderr).toBe(0);
    // here the image does contain devcontainer.json: an edit makes the service stale, and kiln says so
    writeFileSync(path.join(dir, ".devcontainer", "devcontainer.json"), `{ "name": "${Math.random()}" }\n`);
    const why = runKiln(["why", "--json", "--project-dir", dir], { env });
    expect(why.code, why.stderr).toBe(0);
    const w = (JSON.parse(why.stdout) as { services: { state: string; suggestions?: { line: string }[] }[] })
      .services[0];
    expect(w.state).toBe("stale");
    expect(w.suggestions?.map((s) => s.line)).toEqual([".devcontainer/devcontainer.json", "data/"]);
    const doctor = runKiln(["doctor", "--json", "--project-dir", dir], { env });
    const checks = (JSON.parse(doctor.stdout) as { checks: { id: string; status: string; hint?: string }[] })
      .checks;
    expect(checks.find((c) => c.id === "context-ignore.app")).toMatchObject({
      status: "warn",
      hint: expect.stringContaining(".devcontainer/devcontainer.json data/") as string,
    });
    // the image reads them (COPY .): --fix must not hide them from the build
    const fixed = runKiln(["doctor", "--fix", "--json", "--project-dir", dir], { env });
    expect(JSON.parse(fixed.stdout)).toMatchObject({ checks: expect.any(Array) as unknown[] });
    expect(existsSync(`${dockerfile}.dockerignore`)).toBe(false);
  });

  it("doctor --fix writes the lines the build does not read, initializeCommand's file included", () => {
    const { dir, env } = bakeFixture("bake/reads");
    dirs.push(dir, `${dir}.state`);
    const dockerfile = path.join(dir, "Dockerfile");
    // an ONBUILD declaration makes the context count whole, though this build reads named sources
    writeFileSync(
      dockerfile,
      readFileSync(dockerfile, "utf8").replace("WORKDIR /app", "WORKDIR /app\nONBUILD COPY . /src/"),
    );
    writeFileSync(path.join(dir, ".dockerignore"), "README.md\n");
    const config = path.join(dir, ".devcontainer", "devcontainer.json");
    writeFileSync(
      config,
      '{ "dockerComposeFile": "../compose.yml", "service": "app", "initializeCommand": "touch .devcontainer/.env" }\n',
    );
    writeFileSync(path.join(dir, ".devcontainer", ".env"), "A=1\n"); // as the command left it
    const kiln = (...args: string[]) =>
      runKiln([...args, "--project-dir", dir, "--devcontainer", config], { env });
    expect(kiln("bake", "--progress", "quiet").code).toBe(0);

    type Checks = { checks: { id: string; status: string; message: string; hint?: string }[] };
    const doctor = JSON.parse(kiln("doctor", "--json").stdout) as Checks;
    const warn = doctor.checks.find((c) => c.id === "context-ignore.app");
    expect(warn).toMatchObject({ status: "warn" });
    expect(warn?.hint).toContain(".devcontainer/.env .devcontainer/devcontainer.json data/");
    expect(warn?.hint).toContain("kiln doctor --fix");

    const fixed = JSON.parse(kiln("doctor", "--fix", "--json").stdout) as Checks;
    expect(fixed.checks.find((c) => c.id === "context-ignore.app")).toMatchObject({ status: "ok" });
    const ignore = readFileSync(`${dockerfile}.dockerignore`, "utf8").split("\n");
    expect(ignore[0]).toBe("README.md"); // the context's .dockerignore, copied first
    expect(ignore).toEqual(
      expect.arrayContaining([".devcontainer/.env", ".devcontainer/devcontainer.json", "data/"]),
    );
    expect(readFileSync(path.join(dir, ".dockerignore"), "utf8")).toBe("README.md\n");

    expect(kiln("bake", "--progress", "quiet").code).toBe(0);
    writeFileSync(config, readFileSync(config, "utf8").replace("}", ', "forwardPorts": [9000] }'));
    writeFileSync(path.join(dir, ".devcontainer", ".env"), "A=2\n");
    writeFileSync(path.join(dir, "data", "rows.db"), "rows\n");
    const why = JSON.parse(kiln("why", "--json").stdout) as { services: { state: string }[] };
    expect(why.services[0].state).toBe("fresh");
    expect(JSON.parse(kiln("doctor", "--json").stdout) as Checks).not.toMatchObject({
      checks: expect.arrayContaining([expect.objectContaining({ id: "context-ignore.app" })]) as unknown[],
    });

    const tag = `kiln-whytest-fix:${testRunId()
      .toLowerCase()
      .replace(/[^a-z0-9_.-]/g, "-")}`;
    images.push(tag);
    expect(Array.isArray(realBuild(dir, tag, "buildx"))).toBe(true);
  });
});
