/**
 * `kiln lint` as a black box: exit codes, output formats, --fix on disk, project mode.
 * No engine needed.
 */
import { lstatSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { removeDir, runKiln, tempCopy } from "../helpers/kiln.js";

const dirs: string[] = [];
function copy(fixture?: string): string {
  const d = tempCopy(fixture);
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) removeDir(d);
});

interface Report {
  files: {
    path: string;
    findings: {
      rule: string;
      line: number;
      endLine: number;
      severity: string;
      message: string;
      fixable: boolean;
    }[];
  }[];
}

describe("kiln lint (CLI)", () => {
  it("exits 0 with no findings", () => {
    const dir = copy("lint/clean");
    const r = runKiln(["lint", path.join(dir, "Dockerfile")]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("no findings");
  });

  it("exits 1 with findings and prints the JSON contract", () => {
    const dir = copy("lint/project");
    const r = runKiln(["lint", "--format", "json", path.join(dir, "web", "Dockerfile")]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.files).toHaveLength(1);
    const f = report.files[0];
    expect(f.path.endsWith(path.join("web", "Dockerfile"))).toBe(true);
    expect(f.findings.map((x) => x.rule).sort()).toEqual([
      "copy-before-install",
      "dockerignore-missing",
      "npm-cache-mount",
    ]);
    for (const x of f.findings)
      expect(Object.keys(x).sort()).toEqual(["endLine", "fixable", "line", "message", "rule", "severity"]);
    // --json gives the same document
    expect(JSON.parse(runKiln(["lint", "--json", path.join(dir, "web", "Dockerfile")]).stdout)).toEqual(
      report,
    );
  });

  it("--fail-level decides the exit code", () => {
    const dir = copy();
    const file = path.join(dir, "Dockerfile");
    writeFileSync(
      file,
      "FROM debian\nRUN --mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=cache,target=/var/lib/apt,sharing=locked rm -f /etc/apt/apt.conf.d/docker-clean && apt-get update && apt-get install -y gcc\n",
    );
    expect(runKiln(["lint", file]).code).toBe(0); // only an info finding
    expect(runKiln(["lint", "--fail-level", "info", file]).code).toBe(1);
    expect(runKiln(["lint", "--fail-level", "none", "--fail-level", "none", file]).code).toBe(0);
  });

  it("--fix edits in place, keeps the original, and a second --fix changes nothing", () => {
    const dir = copy("lint/project");
    const state = copy();
    const file = path.join(dir, "web", "Dockerfile");
    const before = readFileSync(file, "utf8");
    const env = { KILN_STATE_DIR: state };
    const r = runKiln(["lint", "--fix", file], { env });
    expect(r.code).toBe(1); // dockerignore-missing is not auto-fixed
    const after = readFileSync(file, "utf8");
    // copy-before-install moves npm ci above COPY . . with the manifest; npm-cache-mount adds the mount
    expect(after).toBe(
      before.replace(
        "COPY . .\nRUN npm ci\n",
        "COPY package.json ./\nRUN --mount=type=cache,target=/root/.npm npm ci\nCOPY . .\n",
      ),
    );
    expect(r.stdout).toContain("fixed 2 findings");
    expect(runKiln(["lint", "--fix", file], { env }).code).toBe(1);
    expect(readFileSync(file, "utf8")).toBe(after);
    const backups = readdirSync(path.join(state, "projects"), { recursive: true })
      .map(String)
      .filter((p) => p.endsWith("-Dockerfile"));
    expect(backups).toHaveLength(1);
    expect(readFileSync(path.join(state, "projects", backups[0]), "utf8")).toBe(before);
  });

  it("--fix through a symlink edits the target and keeps the link", () => {
    const dir = copy();
    const real = path.join(dir, "real.Dockerfile");
    writeFileSync(real, "FROM node:20\nRUN npm ci\n");
    symlinkSync("real.Dockerfile", path.join(dir, "Dockerfile"));
    expect(
      runKiln(["lint", "--fix", path.join(dir, "Dockerfile")], { env: { KILN_STATE_DIR: copy() } }).code,
    ).toBe(0);
    expect(lstatSync(path.join(dir, "Dockerfile")).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, "utf8")).toBe(
      "FROM node:20\nRUN --mount=type=cache,target=/root/.npm npm ci\n",
    );
  });

  it("project mode lints every Dockerfile the compose services build (once each, inline too)", () => {
    const dir = copy("lint/project");
    const r = runKiln(["lint", "--format", "json"], { cwd: dir });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.files.map((f) => f.path)).toEqual([
      path.join("web", "Dockerfile"),
      path.join("api", "docker", "api.Dockerfile"),
      "inline (dockerfile_inline)",
    ]);
    const api = report.files[1].findings.map((f) => f.rule);
    expect(api).toEqual(["apt-cache-mount"]); // build target "runtime": no build-tools finding; .dockerignore present
    expect(report.files[2].findings.map((f) => f.rule)).toEqual(["apk-cache-mount"]);
    // a directory argument means the same
    expect(JSON.parse(runKiln(["lint", "--format", "json", dir]).stdout)).toMatchObject({
      files: { length: 3 },
    });
  });

  it("without a compose file, finds Dockerfiles two levels down", () => {
    const nested = copy("lint/project/nested");
    const r = runKiln(["lint", "--format", "json", "--project-dir", nested], { cwd: nested });
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as Report).files.map((f) => f.path)).toEqual([
      path.join("deep", "Dockerfile"),
    ]);
  });

  it("SARIF output", () => {
    const dir = copy("lint/project");
    const r = runKiln(["lint", "--format", "sarif", path.join(dir, "web", "Dockerfile")]);
    const log = JSON.parse(r.stdout) as { version: string; runs: { results: unknown[] }[] };
    expect(log.version).toBe("2.1.0");
    expect(log.runs[0].results).toHaveLength(3);
  });

  it("usage errors exit 2", () => {
    const dir = copy("lint/clean");
    const file = path.join(dir, "Dockerfile");
    expect(runKiln(["lint", "--rule", "no-such-rule", file]).code).toBe(2);
    expect(runKiln(["lint", "--ignore", "nope", file]).code).toBe(2);
    expect(runKiln(["lint", "--format", "xml", file]).code).toBe(2);
    expect(runKiln(["lint", path.join(dir, "missing")]).code).toBe(2);
    expect(runKiln(["lint", "--explain", "nope"]).code).toBe(2);
    const empty = copy();
    expect(runKiln(["lint"], { cwd: empty }).code).toBe(2);
  });

  it("reads a Dockerfile from stdin with -", () => {
    const r = runKiln(["lint", "--format", "json", "-"], { input: "FROM node:20\nRUN npm ci\n" });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({
      files: [{ path: "<stdin>", findings: [{ rule: "npm-cache-mount", line: 2 }] }],
    });
  });

  it("--explain and --list-rules", () => {
    const r = runKiln(["lint", "--explain", "apt-docker-clean"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("/etc/apt/apt.conf.d/docker-clean");
    const list = runKiln(["lint", "--list-rules"]);
    expect(list.stdout.trim().split("\n")).toHaveLength(21);
  });

  it("--rule / --ignore select rules", () => {
    const dir = copy("lint/project");
    const file = path.join(dir, "web", "Dockerfile");
    const only = JSON.parse(
      runKiln(["lint", "--format", "json", "--rule", "npm-cache-mount", file]).stdout,
    ) as Report;
    expect(only.files[0].findings.map((f) => f.rule)).toEqual(["npm-cache-mount"]);
    const skip = JSON.parse(
      runKiln(["lint", "--format", "json", "--ignore", "npm-cache-mount,copy-before-install", file]).stdout,
    ) as Report;
    expect(skip.files[0].findings.map((f) => f.rule)).toEqual(["dockerignore-missing"]);
  });

  it("never crashes on garbage, binary or empty files", () => {
    const dir = copy();
    for (const [name, content] of [
      ["empty", ""],
      ["binary", randomBytes(20_000)],
      ["text", "RUN RUN FROM \\\n<<EOF\n\u0000\u0001 --mount=,,,=\n"],
    ] as const) {
      const file = path.join(dir, name);
      writeFileSync(file, content);
      const r = runKiln(["lint", file]);
      expect(r.stderr).toBe("");
      expect([0, 1]).toContain(r.code);
    }
  });
});
