/**
 * `kiln config --json` against the reference, `docker compose config --format json` (v2), on
 * every compose fixture: project name, resolved build specs, image names, mounts, named volumes
 * and their engine names. Where docker-compose v1 reads the file, its documented differences
 * are asserted too. Bad input: exit 2, file:line and a hint.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { BuildSpec, ProjectModel } from "../../src/core/compose/model.js";
import { engineAvailable, fixturesDir, runKiln } from "../helpers/kiln.js";

const dir = (fixture: string): string => path.join(fixturesDir, "compose", fixture);
// an empty variable counts as unset for kiln; compose needs them absent
const cleanEnv = { COMPOSE_FILE: "", COMPOSE_PROJECT_NAME: "", COMPOSE_PROFILES: "" };
function composeEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const k of Object.keys(cleanEnv)) if (!(k in extra)) delete env[k];
  return env;
}

type Json = Record<string, unknown>;

function kilnConfig(fixture: string, args: string[], env: Record<string, string> = {}): ProjectModel {
  // options after the command: `--devcontainer [path]` would take the command name as its path
  const r = runKiln(["config", "--json", ...args], { cwd: dir(fixture), env: { ...cleanEnv, ...env } });
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as ProjectModel;
}

function composeConfig(fixture: string, args: string[], env: Record<string, string> = {}): Json {
  const r = spawnSync("docker", ["compose", ...args, "config", "--format", "json"], {
    cwd: dir(fixture),
    env: composeEnv(env),
    encoding: "utf8",
  });
  expect(r.stderr, "docker compose config failed").not.toMatch(/error/i);
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as Json;
}

/** compose prints `$` as `$$` so its output can be loaded again */
const unescapeDollars = (s: string): string => s.replace(/\$\$/g, "$");

function bytes(size: string | number | undefined): number | undefined {
  if (size === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*([kmgb]?)b?$/i.exec(String(size));
  if (!m) return Number(size);
  const unit = { "": 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(m[2] ?? "").toLowerCase()] ?? 1;
  return Number(m[1]) * unit;
}

/** the reference's build mapping in kiln's terms */
function referenceBuild(b: Json): Json {
  const context = b.context as string;
  const args = Object.fromEntries(
    Object.entries((b.args ?? {}) as Record<string, string>).map(([k, v]) => [k, unescapeDollars(v)]),
  );
  return {
    context,
    dockerfile: b.dockerfile_inline ? undefined : path.resolve(context, b.dockerfile as string),
    dockerfileInline: b.dockerfile_inline,
    args,
    target: b.target,
    labels: b.labels ?? {},
    network: b.network,
    shmSize: bytes(b.shm_size as string | undefined),
    // compose v2 prints host=ip; kiln keeps host:ip, which every docker client accepts
    extraHosts: ((b.extra_hosts ?? []) as string[]).map((h) => h.replace("=", ":")).sort(),
    additionalContexts: b.additional_contexts ?? {},
    cacheFrom: b.cache_from ?? [],
    cacheTo: b.cache_to ?? [],
    noCache: b.no_cache === true,
    pull: b.pull === true,
    platforms: b.platforms ?? [],
    tags: b.tags ?? [],
    secrets: ((b.secrets ?? []) as Json[]).map((s) => s.target ?? s.source),
    ssh: b.ssh ?? [],
  };
}

function kilnBuild(b: BuildSpec): Json {
  return {
    context: b.context,
    dockerfile: b.dockerfile,
    dockerfileInline: b.dockerfileInline,
    // compose drops `args: [KEY]` entries whose variable is unset; kiln keeps them as null
    args: Object.fromEntries(Object.entries(b.args).filter(([, v]) => v !== null)),
    target: b.target,
    labels: b.labels,
    network: b.network,
    shmSize: bytes(b.shmSize),
    extraHosts: [...b.extraHosts].sort(),
    additionalContexts: b.additionalContexts,
    cacheFrom: b.cacheFrom,
    cacheTo: b.cacheTo,
    noCache: b.noCache,
    pull: b.pull,
    platforms: b.platforms,
    tags: b.tags,
    secrets: b.secrets.map((s) => s.id),
    ssh: b.ssh,
  };
}

function compare(kiln: ProjectModel, ref: Json): void {
  expect(kiln.name).toBe(ref.name);
  const refServices = ref.services as Record<string, Json>;
  expect(kiln.services.map((s) => s.name).sort()).toEqual(Object.keys(refServices).sort());
  for (const s of kiln.services) {
    const r = refServices[s.name];
    expect(s.image, `${s.name}: image`).toBe(r.image);
    if (r.build)
      expect(kilnBuild(s.build as BuildSpec), `${s.name}: build`).toEqual(referenceBuild(r.build as Json));
    else expect(s.build, `${s.name}: build`).toBeUndefined();
    if (typeof r.platform === "string") expect(s.platform).toBe(r.platform);
    const refEnv = Object.fromEntries(
      Object.entries((r.environment ?? {}) as Record<string, string | null>).map(([k, v]) => [
        k,
        v === null ? null : unescapeDollars(v),
      ]),
    );
    expect(s.environment, `${s.name}: environment`).toEqual(refEnv);
    const refMounts = ((r.volumes ?? []) as Json[]).map((v) => ({
      type: v.type,
      source: v.source,
      target: v.target,
      readOnly: v.read_only === true,
    }));
    expect(s.volumes, `${s.name}: volumes`).toEqual(refMounts);
  }
  // compose prints only the volumes some enabled service uses
  for (const [key, v] of Object.entries((ref.volumes ?? {}) as Record<string, Json>)) {
    expect(kiln.volumes[key]?.engineName, `volume ${key}`).toBe(v.name);
    expect(kiln.volumes[key]?.external, `volume ${key} external`).toBe(v.external === true);
  }
}

interface Case {
  title: string;
  fixture: string;
  kiln?: string[];
  compose?: string[];
  env?: Record<string, string>;
}

const cases: Case[] = [
  { title: "anchors, merge keys, .env, build short and long forms", fixture: "basic" },
  { title: "default override file", fixture: "multi-file" },
  {
    title: "three -f files: build merge, volume on the same path, !reset, !override",
    fixture: "multi-file",
    kiln: ["-f", "compose.yml", "-f", "compose.override.yml", "-f", "compose.prod.yml"],
  },
  { title: "a profile-only service stays off", fixture: "multi-file", env: { COMPOSE_FILE: "compose.yml" } },
  {
    title: "profiles enabled by COMPOSE_PROFILES",
    fixture: "multi-file",
    env: { COMPOSE_FILE: "compose.yml", COMPOSE_PROFILES: "tools" },
  },
  { title: "extends in the same file and from another file", fixture: "extends" },
  { title: "no profile", fixture: "profiles" },
  { title: "--profile debug", fixture: "profiles", kiln: ["--profile", "debug"] },
  {
    title: "every interpolation form; the process environment wins over .env",
    fixture: "interpolation",
    env: { PROCESS_WINS: "from-process" },
  },
  { title: "include", fixture: "include" },
  {
    title:
      "a monorepo: anchors in args, secrets, ssh, extra contexts, dockerfile_inline, dev override with !reset",
    fixture: "real-world",
    kiln: ["-f", "docker-compose.yml", "-f", "docker-compose.dev.yml"],
    env: { API_KEY: "k", TAG: "t1" },
  },
  {
    title: "a monorepo with its tools profile",
    fixture: "real-world",
    kiln: ["-f", "docker-compose.yml", "-f", "docker-compose.dev.yml", "--profile", "tools"],
  },
  {
    title: "env_file (required and optional) under environment",
    fixture: "env-files",
    env: { FROM_SHELL: "shell" },
  },
  {
    title: "named, external and explicit-name volumes; name: with a project name",
    fixture: "named-volumes",
    env: { VOL_SUFFIX: "sfx" },
  },
  { title: "-p overrides name:", fixture: "named-volumes", kiln: ["-p", "other-name"] },
];

describe.skipIf(!engineAvailable())("kiln config matches docker compose config (v2)", () => {
  it.each(cases)("$fixture: $title", ({ fixture, kiln = [], compose, env = {} }) => {
    compare(kilnConfig(fixture, kiln, env), composeConfig(fixture, compose ?? kiln, env));
  });

  it("devcontainer: the compose files of devcontainer.json, named as the Dev Containers CLI does", () => {
    const model = kilnConfig("devcontainer", ["--devcontainer"]);
    expect(model.devcontainer?.composeFiles).toEqual([
      dir("devcontainer/docker-compose.yml"),
      dir("devcontainer/.devcontainer/docker-compose.extend.yml"),
    ]);
    expect(model.devcontainer?.service).toBe("dev");
    compare(
      model,
      composeConfig("devcontainer", [
        "-f",
        "docker-compose.yml",
        "-f",
        ".devcontainer/docker-compose.extend.yml",
        "-p",
        model.name,
      ]),
    );
  });

  it("devcontainer with its compose file in .devcontainer: <folder>_devcontainer", () => {
    const model = kilnConfig("devcontainer-inside", []);
    expect(model.name).toBe("devcontainer-inside_devcontainer");
    compare(
      model,
      composeConfig("devcontainer-inside", ["-f", ".devcontainer/compose.yaml", "-p", model.name]),
    );
  });

  it("run from a subfolder: the compose file is found upwards and its folder is the project directory", () => {
    compare(kilnConfig("basic/app", []), composeConfig("basic/app", []));
    expect(kilnConfig("basic/app", []).projectDir).toBe(dir("basic"));
  });

  it("-f naming another folder: that folder is the project directory", () => {
    const args = ["-f", "../profiles/compose.yaml"];
    compare(kilnConfig("basic", args), composeConfig("basic", args));
  });

  it("text output: image names, build specs, where build: is declared, volume engine names", () => {
    const r = runKiln(["config"], { cwd: dir("basic"), env: cleanEnv });
    expect(r.code).toBe(0);
    const text = parse(r.stdout) as {
      name: string;
      services: Record<string, Json>;
      volumes: Record<string, string>;
    };
    expect(text.name).toBe("basic");
    expect(text.services.web?.image).toBe("basic-web");
    expect(text.services.web?.["build declared at"]).toBe(`${dir("basic/compose.yaml")}:11 (merge-key)`);
    expect(text.volumes).toEqual({ node_modules: "basic_node_modules", pgdata: "shared-pgdata" });
    const names = runKiln(["config", "--services", "--profile", "tools"], {
      cwd: dir("multi-file"),
      env: cleanEnv,
    });
    expect(names.stdout.split("\n").filter(Boolean)).toEqual(["app", "tool"]);
  });

  it("default image names: <project>-<service> (v2), <project>_<service> with --variant v1", () => {
    const v2 = kilnConfig("basic", []);
    expect(v2.services.find((s) => s.name === "web")?.imageName).toBe("basic-web");
    expect(v2.services.find((s) => s.name === "api")?.imageName).toBe("registry.example.com/api:dev");
    const v1 = JSON.parse(
      runKiln(["config", "--json", "--variant", "v1"], { cwd: dir("basic"), env: cleanEnv }).stdout,
    ) as ProjectModel;
    expect(v1.services.find((s) => s.name === "web")?.imageName).toBe("basic_web");
  });
});

const v1Available = spawnSync("docker-compose", ["version", "--short"], { encoding: "utf8" }).status === 0;

function v1Config(fixture: string): { code: number; out: Json | undefined; stderr: string } {
  const r = spawnSync("docker-compose", ["config"], {
    cwd: dir(fixture),
    env: composeEnv({}),
    encoding: "utf8",
  });
  return {
    code: r.status ?? 1,
    out: r.status === 0 ? (parse(r.stdout) as Json) : undefined,
    stderr: r.stderr,
  };
}

describe.skipIf(!engineAvailable() || !v1Available)(
  "where docker-compose v1 differs (documented behaviour)",
  () => {
    it("v1 resolves the same build contexts and args", () => {
      const v1 = v1Config("basic").out as Json;
      const kiln = kilnConfig("basic", []);
      for (const s of kiln.services.filter((x) => x.build)) {
        const b = (v1.services as Record<string, Json>)[s.name]?.build as Json;
        expect(b.context).toBe(s.build?.context);
        expect(b.args).toEqual(s.build?.args);
      }
    });

    it("v1 keeps extra_hosts as host:ip and shm_size as written; v2 rewrites both", () => {
      const api = ((v1Config("basic").out as Json).services as Record<string, Json>).api?.build as Json;
      expect(api.extra_hosts).toEqual(["db.local:10.0.0.2"]);
      expect(api.shm_size).toBe("256m");
      const v2 = (composeConfig("basic", []).services as Record<string, Json>).api?.build as Json;
      expect(v2.extra_hosts).toEqual(["db.local=10.0.0.2"]);
      expect(v2.shm_size).toBe("268435456");
    });

    it("v1 lists services of inactive profiles in config; v2 (and kiln's enabled list) do not", () => {
      const v1 = v1Config("profiles").out as Json;
      expect(Object.keys(v1.services as Json).sort()).toEqual(["app", "debug", "docs"]);
      expect(kilnConfig("profiles", []).services.map((s) => s.name)).toEqual(["app"]);
    });

    it.each([
      ["named-volumes", /'name' does not match/],
      ["include", /'include' does not match/],
      ["interpolation", /Invalid interpolation format/],
    ])("v1 rejects %s, which v2 and kiln read", (fixture, message) => {
      const r = v1Config(fixture);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(message);
    });
  },
);

describe("bad input: exit 2, file:line and a hint", () => {
  const bad: [string, string, RegExp][] = [
    ["malformed", "ERR_KILN_COMPOSE_PARSE", /compose\.yaml:3:\d+$/],
    ["required-var", "ERR_KILN_COMPOSE_INTERPOLATION", /compose\.yaml:5:7$/],
    ["unknown-extends", "ERR_KILN_COMPOSE_EXTENDS", /compose\.yaml:5:5$/],
    ["missing-extends-file", "ERR_KILN_COMPOSE_NOT_FOUND", /compose\.yaml:3:5$/],
    ["invalid-key", "ERR_KILN_COMPOSE_INVALID", /compose\.yaml:6:7$/],
    ["undefined-volume", "ERR_KILN_COMPOSE_INVALID", /compose\.yaml:2$/],
    ["devcontainer-missing-compose", "ERR_KILN_DEVCONTAINER", /devcontainer\.json:4$/],
    ["unknown-depends", "ERR_KILN_UNKNOWN_SERVICE", /compose\.yaml:4:5$/],
    ["devcontainer-unknown-service", "ERR_KILN_UNKNOWN_SERVICE", /devcontainer\.json:5$/],
  ];

  it.each(bad)("%s → %s", (fixture, code, location) => {
    const cwd = dir(`bad/${fixture}`);
    const json = runKiln(["config", "--json"], { cwd, env: cleanEnv });
    expect(json.code).toBe(2);
    const body = JSON.parse(json.stdout) as {
      ok: boolean;
      error: { code: string; location: string; hint: string };
    };
    expect(body.ok).toBe(false);
    expect(body.error.code).toBe(code);
    expect(body.error.location).toMatch(location);
    expect(body.error.location.startsWith(cwd)).toBe(true);
    expect(body.error.hint.length).toBeGreaterThan(10);
    const text = runKiln(["config"], { cwd, env: cleanEnv });
    expect(text.code).toBe(2);
    expect(text.stderr).toMatch(/^kiln: error: \/.*:\d+/);
    expect(text.stderr).toMatch(/\nhint: /);
  });

  it("a -f file that does not exist", () => {
    const r = runKiln(["config", "--json", "-f", "nope.yml"], { cwd: dir("basic"), env: cleanEnv });
    expect(r.code).toBe(2);
    const error = (JSON.parse(r.stdout) as { error: { code: string; location: string } }).error;
    expect(error.code).toBe("ERR_KILN_COMPOSE_NOT_FOUND");
    expect(error.location).toBe(dir("basic/nope.yml"));
  });

  it("a service named on the command line that does not exist", () => {
    const r = runKiln(["config", "web", "nope"], { cwd: dir("basic"), env: cleanEnv });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`kiln: error: ${dir("basic/compose.yaml")}: no such service: nope`);
    expect(r.stderr).toContain("hint: services in this project: web, worker, api, db");
  });
});
