/**
 * Bad input (fault suite, #12): each case runs bin/kiln — spawned directly, as a user's shell
 * does — on a fresh copy of a small project and checks the exit code, a `hint:` line, that no
 * file of the project changed, and that no stack trace (nor "this is a bug in kiln") is shown.
 * Prints the count.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  engineAvailable,
  kilnBin,
  makeContextsUnique,
  removeDir,
  tempCopy,
  testLabel,
} from "../helpers/kiln.js";

interface Case {
  name: string;
  args: string[];
  exit: number;
  /** text the hint (or, with --json, the error body) must contain */
  hint?: string | RegExp;
  /** changes the project (or the environment) before the run */
  setup?: (dir: string) => void;
  env?: (dir: string) => NodeJS.ProcessEnv;
  /** the state dir is a mount made for the case (read-only / full): run inside unshare */
  mount?: "ro" | "full";
  needsEngine?: boolean;
}

const canUnshare = process.getuid?.() === 0 && spawnSync("unshare", ["--mount", "true"]).status === 0;

function write(rel: string, text: string): (dir: string) => void {
  return (dir) => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  };
}

const COMPOSE = "docker-compose.yml";

const cases: Case[] = [
  // the command line
  { name: "unknown command", args: ["frobnicate"], exit: 2, hint: "kiln --help" },
  { name: "unknown command --json", args: ["frobnicate", "--json"], exit: 2, hint: "ERR_KILN_USAGE" },
  { name: "unknown subcommand", args: ["volumes", "bogus"], exit: 2, hint: "kiln volumes --help" },
  { name: "unknown option", args: ["bake", "--frobnicate"], exit: 2, hint: "kiln bake --help" },
  { name: "misspelt option", args: ["bake", "--mod", "inplace"], exit: 2, hint: "did you mean --mode?" },
  {
    name: "bad --progress choice",
    args: ["--progress", "fancy", "status"],
    exit: 2,
    hint: "use one of: auto",
  },
  { name: "bad --mode choice", args: ["bake", "--mode", "bogus"], exit: 2, hint: "inplace, override" },
  { name: "bad lint --format", args: ["lint", "--format", "xml"], exit: 2, hint: "text, json, sarif" },
  { name: "bad lint --fail-level", args: ["lint", "--fail-level", "extreme"], exit: 2, hint: "use one of" },
  { name: "bad completion shell", args: ["completion", "tcsh"], exit: 2, hint: "bash, zsh, fish" },
  { name: "missing argument", args: ["volumes", "inspect"], exit: 2, hint: "kiln volumes inspect --help" },
  { name: "too many arguments", args: ["status", "extra"], exit: 2, hint: "kiln status --help" },
  { name: "option without its value", args: ["status", "--progress"], exit: 2, hint: "--help" },
  { name: "--jobs not a number", args: ["bake", "--jobs", "abc"], exit: 2, hint: "--jobs" },
  {
    name: "--owner not uid:gid",
    args: ["volumes", "ensure", "--owner", "bob"],
    exit: 2,
    hint: "--owner 1000",
  },
  { name: "--env-file missing", args: ["--env-file", "nope.env", "status"], exit: 2, hint: "--env-file" },
  { name: "--env-file= missing", args: ["--env-file=nope.env", "config"], exit: 2, hint: "--env-file" },
  { name: "-f missing file", args: ["-f", "missing.yml", "status"], exit: 2, hint: "" },
  { name: "--project-dir missing", args: ["--project-dir", "/nonexistent/kiln", "status"], exit: 2 },
  { name: "--devcontainer missing", args: ["--devcontainer", "nope/devcontainer.json", "status"], exit: 2 },
  { name: "unknown service", args: ["bake", "nosuchservice"], exit: 2, hint: "api" },
  { name: "pull-only service to bake", args: ["bake", "cache"], exit: 2 },
  { name: "lint --explain unknown rule", args: ["lint", "--explain", "no-such-rule"], exit: 2 },
  { name: "lint missing path", args: ["lint", "no/such/Dockerfile"], exit: 2 },
  { name: "history --limit not a number", args: ["history", "--limit", "lots"], exit: 2 },
  // the project's files
  {
    name: "YAML syntax error",
    args: ["status"],
    exit: 2,
    setup: write(COMPOSE, "services:\n  api:\n    build: [unclosed\n"),
  },
  { name: "services is a list", args: ["status"], exit: 2, setup: write(COMPOSE, "services:\n  - api\n") },
  { name: "service is a string", args: ["bake"], exit: 2, setup: write(COMPOSE, "services:\n  api: nope\n") },
  { name: "empty compose file", args: ["bake"], exit: 2, setup: write(COMPOSE, "") },
  {
    name: "build context missing",
    args: ["bake"],
    exit: 2,
    setup: write(COMPOSE, "services:\n  api:\n    build: ./nowhere\n"),
  },
  {
    name: "Dockerfile missing",
    args: ["bake"],
    exit: 2,
    setup: write(COMPOSE, "services:\n  api:\n    build: { context: ./api, dockerfile: Nope.Dockerfile }\n"),
  },
  {
    name: "required variable unset",
    args: ["config"],
    exit: 2,
    setup: write(COMPOSE, "services:\n  api:\n    image: ${IMAGE:?set IMAGE}\n"),
  },
  {
    name: "extends a missing file",
    args: ["config"],
    exit: 2,
    setup: write(COMPOSE, "services:\n  api:\n    extends: { file: base.yml, service: api }\n"),
  },
  {
    name: "include a missing file",
    args: ["config"],
    exit: 2,
    setup: write(COMPOSE, "include:\n  - other/compose.yaml\nservices:\n  api:\n    image: x\n"),
  },
  {
    name: "devcontainer.json not JSON",
    args: ["--devcontainer", "status"],
    exit: 2,
    setup: write(".devcontainer/devcontainer.json", '{ "dockerComposeFile": [ "../docker-compose.yml", }'),
  },
  {
    name: "devcontainer names a missing compose file",
    args: ["--devcontainer", "status"],
    exit: 2,
    setup: write(".devcontainer/devcontainer.json", '{ "dockerComposeFile": "nope.yml", "service": "api" }'),
  },
  {
    name: "several devcontainer configs, none chosen",
    args: ["status"],
    exit: 2,
    hint: "--devcontainer",
    setup: (dir) => {
      removeDir(path.join(dir, COMPOSE));
      write(".devcontainer/docker-compose.yml", "services:\n  api:\n    build: ../api\n")(dir);
      write(
        ".devcontainer/devcontainer.json",
        '{ "dockerComposeFile": "docker-compose.yml", "service": "api" }',
      )(dir);
      write(
        ".devcontainer/py/devcontainer.json",
        '{ "dockerComposeFile": "../docker-compose.yml", "service": "api" }',
      )(dir);
    },
  },
  // kiln's state dir
  {
    name: "state dir is a file",
    args: ["status"],
    exit: 2,
    hint: "KILN_STATE_DIR",
    env: (dir) => {
      writeFileSync(`${dir}.statefile`, "");
      return { KILN_STATE_DIR: `${dir}.statefile` };
    },
  },
  { name: "state dir read-only (restore)", args: ["restore"], exit: 2, hint: "KILN_STATE_DIR", mount: "ro" },
  { name: "state dir read-only (bake)", args: ["bake"], exit: 2, hint: "KILN_STATE_DIR", mount: "ro" },
  { name: "state dir full", args: ["bake"], exit: 2, hint: "KILN_STATE_DIR", mount: "full" },
  // the engine and clients
  {
    name: "engine unreachable",
    args: ["bake"],
    exit: 3,
    hint: "DOCKER_HOST",
    env: () => ({ DOCKER_HOST: "unix:///nonexistent/docker.sock" }),
  },
  {
    name: "engine unreachable (status --json)",
    args: ["status", "--json"],
    exit: 3,
    hint: "ERR_KILN_ENGINE_UNREACHABLE",
    env: () => ({ DOCKER_HOST: "unix:///nonexistent/docker.sock" }),
  },
  {
    name: "docker context missing",
    args: ["--context", "no-such-context", "bake"],
    exit: 3,
    hint: "context",
  },
  {
    name: "KILN_DOCKER missing",
    args: ["build"],
    setup: makeContextsUnique,
    exit: 3,
    env: () => ({ KILN_DOCKER: "/nonexistent/docker" }),
    needsEngine: true,
  },
  {
    name: "KILN_BUILD_MODE bogus",
    args: ["build"],
    setup: makeContextsUnique,
    exit: 2,
    hint: "buildx",
    env: () => ({ KILN_BUILD_MODE: "turbo" }),
    needsEngine: true,
  },
  {
    name: "KILN_COMPOSE bogus",
    args: ["up", "--no-bake"],
    exit: 2,
    hint: "v2",
    env: () => ({ KILN_COMPOSE: "v3" }),
    needsEngine: true,
  },
];

/** every file under dir (path → sha256), to prove a failed run changed none */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = createHash("sha256").update(readFileSync(p)).digest("hex");
    }
  };
  walk(dir);
  return out;
}

function run(c: Case, dir: string): { code: number; stdout: string; stderr: string } {
  const env = {
    ...process.env,
    NO_COLOR: "1",
    KILN_STATE_DIR: `${dir}.state`,
    // anything a case builds by mistake is swept with the run's other resources
    KILN_LABELS: testLabel(),
    ...(c.env ? c.env(dir) : {}),
  };
  const args = c.args.includes("--project-dir") ? c.args : ["--project-dir", dir, ...c.args];
  if (!c.mount) {
    const r = spawnSync(kilnBin, args, { cwd: dir, env, encoding: "utf8", timeout: 120_000 });
    return { code: r.status ?? 128, stdout: r.stdout, stderr: r.stderr };
  }
  const state = `${dir}.mnt`;
  mkdirSync(state, { recursive: true });
  const prepare =
    c.mount === "ro"
      ? 'mount -o bind,ro "$1" "$1"'
      : 'mount -t tmpfs -o size=16k tmpfs "$1" && head -c 16384 /dev/zero > "$1/fill" 2>/dev/null; true';
  const r = spawnSync(
    "unshare",
    [
      "--mount",
      "--propagation",
      "private",
      "sh",
      "-c",
      `${prepare} && shift && exec "$@"`,
      "sh",
      state,
      kilnBin,
      ...args,
    ],
    { cwd: dir, env: { ...env, KILN_STATE_DIR: state }, encoding: "utf8", timeout: 120_000 },
  );
  return { code: r.status ?? 128, stdout: r.stdout, stderr: r.stderr };
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) for (const x of [d, `${d}.state`, `${d}.statefile`, `${d}.mnt`]) removeDir(x);
});

const runnable = cases.filter((c) => (!c.mount || canUnshare) && (!c.needsEngine || engineAvailable()));
let checked = 0;

describe("bad input: exit code, hint, no file changed, no stack trace", () => {
  it.each(runnable.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const dir = tempCopy("bake/basic");
    dirs.push(dir);
    c.setup?.(dir);
    const before = snapshot(dir);
    const r = run(c, dir);
    const shown = `${r.stdout}\n${r.stderr}`;
    expect(r.code, shown).toBe(c.exit);
    const json = c.args.includes("--json");
    if (json) {
      const body = JSON.parse(r.stdout) as { ok?: boolean; error?: { code: string; hint?: string } };
      expect(body.ok, shown).toBe(false);
      expect(body.error?.hint, shown).toBeTruthy();
    }
    expect(r.stderr, shown).toMatch(/^hint: \S/m);
    if (c.hint !== undefined) expect(shown).toMatch(c.hint);
    expect(shown).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
    expect(shown).not.toContain("this is a bug in kiln");
    expect(snapshot(dir)).toEqual(before);
    checked++;
  });

  afterAll(() => {
    console.log(
      `bad input: ${checked} of ${runnable.length} cases checked (${cases.length} defined; ${cases.length - runnable.length} skipped: no unshare or no engine)`,
    );
  });
});
