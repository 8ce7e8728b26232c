/**
 * Every command's `--json` output (and the error shape, and `--progress json` events) is
 * validated against its documented schema in schemas/json/ with ajv in strict mode. Commands
 * are found in `kiln --help`: one that is not registered yet is skipped, and picked up as
 * soon as it is.
 */
import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  engineAvailable,
  removeDir,
  repoRoot,
  runKiln,
  tempCopy,
  testLabel,
  testRunId,
  type KilnRun,
} from "../helpers/kiln.js";

const schemaDir = path.join(repoRoot, "schemas", "json");
const schemaFiles = readdirSync(schemaDir).filter((f) => f.endsWith(".schema.json"));
const ajv = new Ajv.default({ strict: true, allowUnionTypes: true, allErrors: true });
addFormats.default(ajv);
// all schemas first, so one can $ref another (up → bake)
const schemaIds = new Map<string, string>();
for (const f of schemaFiles) {
  const schema = JSON.parse(readFileSync(path.join(schemaDir, f), "utf8")) as { $id: string };
  ajv.addSchema(schema);
  schemaIds.set(f.replace(/\.schema\.json$/, ""), schema.$id);
}
const validators = new Map<string, ValidateFunction>();
for (const [name, id] of schemaIds) {
  const v = ajv.getSchema(id);
  if (v) validators.set(name, v);
}

/** command names listed under "Commands:" in `kiln [group] --help` */
function commandsOf(group: string[]): string[] {
  const r = runKiln([...group, "--help"]);
  const section = (r.stdout.split(/^Commands:$/m)[1] ?? "").split(/\n\s*\n/)[0] ?? "";
  return section
    .split("\n")
    .map((l) => /^ {2}(\S+)/.exec(l)?.[1])
    .filter((n): n is string => n !== undefined && n !== "help");
}

/** every registered command path: "doctor", "volumes ls", … (groups replaced by their commands) */
function registeredCommands(): string[] {
  const out: string[] = [];
  for (const name of commandsOf([])) {
    const subs = commandsOf([name]);
    if (subs.length === 0) out.push(name);
    else out.push(...subs.map((s) => `${name} ${s}`));
  }
  return out;
}
const registered = new Set(registeredCommands());
const missing = (command: string): boolean => !registered.has(command);

function validate(schema: string, data: unknown): void {
  const v = validators.get(schema);
  expect(v, `schemas/json/${schema}.schema.json exists`).toBeDefined();
  if (!v) return;
  const ok = v(data);
  expect(ok, `${schema}: ${ajv.errorsText(v.errors)}\n${JSON.stringify(data, null, 2).slice(0, 3000)}`).toBe(
    true,
  );
}

/** stdout must be exactly one JSON document */
function json(r: KilnRun): unknown {
  expect(r.stdout.trim(), r.stderr).not.toBe("");
  return JSON.parse(r.stdout) as unknown;
}

type Node = Record<string, unknown>;
function objectNodes(node: unknown, where: string, out: [string, Node][] = []): [string, Node][] {
  if (Array.isArray(node)) node.forEach((n, i) => objectNodes(n, `${where}[${i}]`, out));
  else if (node && typeof node === "object") {
    const n = node as Node;
    if (n.type === "object" || "properties" in n) out.push([where, n]);
    for (const [k, v] of Object.entries(n))
      if (k !== "const" && k !== "enum") objectNodes(v, `${where}.${k}`, out);
  }
  return out;
}

describe("the JSON schemas", () => {
  it("compile in ajv strict mode and allow no undocumented property", () => {
    expect(schemaFiles.length).toBeGreaterThanOrEqual(20);
    for (const f of schemaFiles) {
      const schema = JSON.parse(readFileSync(path.join(schemaDir, f), "utf8")) as unknown;
      for (const [where, n] of objectNodes(schema, f)) {
        // fixed fields: closed; a dictionary: its values typed; free-form user data: said so
        const closed = n.additionalProperties === false;
        const dictionary = typeof n.additionalProperties === "object" && !("properties" in n);
        const freeForm = typeof n.$comment === "string" && n.$comment.startsWith("free-form");
        expect(closed || dictionary || freeForm, `${where} must set additionalProperties: false`).toBe(true);
      }
    }
  });

  it("exist for every registered command", () => {
    expect(registered.has("doctor")).toBe(true);
    for (const c of registered)
      expect(validators.has(c.replace(/ /g, "-")), `schema for kiln ${c}`).toBe(true);
  });
});

describe.skipIf(!engineAvailable())("every command's --json output matches its schema", () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const run = testRunId();
  const volume = `kiln-schema-pip-${run}`;
  const project = `kiln-schema-${run}`.toLowerCase().replace(/[^a-z0-9_-]/g, "");
  const images = new Set<string>();
  const kiln = (...args: string[]): KilnRun => runKiln([...args, "--json", "--project-dir", dir], { env });

  beforeAll(() => {
    dir = tempCopy();
    for (const svc of ["api", "worker"]) {
      mkdirSync(path.join(dir, svc));
      writeFileSync(
        path.join(dir, svc, "Dockerfile"),
        `FROM kiln-local/busybox:latest\nCOPY hello.txt /hello.txt\nRUN cat /hello.txt > /copy.txt\n`,
      );
      writeFileSync(path.join(dir, svc, "hello.txt"), `hello from ${svc}\n`);
      writeFileSync(path.join(dir, svc, ".dockerignore"), "*.md\n");
    }
    writeFileSync(
      path.join(dir, "compose.yml"),
      [
        `name: ${project}`,
        "services:",
        "  api:",
        "    build: ./api",
        "    command: [sleep, '300']",
        "    init: true",
        `    labels: { ${testLabel().replace("=", ": ")} }`,
        "    volumes:",
        "      - pip-cache:/root/.cache/pip",
        "  worker:",
        "    build:",
        "      context: ./worker",
        "    command: [sleep, '300']",
        "    init: true",
        `    labels: { ${testLabel().replace("=", ": ")} }`,
        "    volumes:",
        "      - pip-cache:/root/.cache/pip",
        "volumes:",
        "  pip-cache:",
        `    name: ${volume}`,
        "",
      ].join("\n"),
    );
    env = { KILN_STATE_DIR: `${dir}.state`, KILN_LABELS: testLabel(), KILN_EXTRA_LABELS: testLabel() };
  });

  afterAll(() => {
    if (!missing("up")) {
      spawnSync("docker", ["compose", "-p", project, "down", "-t", "0"], { stdio: "ignore" });
      const [k, v] = testLabel().split("=");
      const left = spawnSync(
        "docker",
        [
          "ps",
          "-aq",
          "--filter",
          `label=com.docker.compose.project=${project}`,
          "--filter",
          `label=${k}=${v}`,
        ],
        {
          encoding: "utf8",
        },
      )
        .stdout.split("\n")
        .filter(Boolean);
      if (left.length) spawnSync("docker", ["rm", "-f", ...left], { stdio: "ignore" });
    }
    for (const image of images) spawnSync("docker", ["image", "rm", "-f", image], { stdio: "ignore" });
    const [key, value] = testLabel().split("=");
    const ids = spawnSync(
      "docker",
      ["image", "ls", "-q", "--filter", `label=kiln.project=${project}`, "--filter", `label=${key}=${value}`],
      {
        encoding: "utf8",
      },
    )
      .stdout.split("\n")
      .filter(Boolean);
    if (ids.length) spawnSync("docker", ["image", "rm", "-f", ...new Set(ids)], { stdio: "ignore" });
    spawnSync("docker", ["volume", "rm", "-f", volume, `${volume}-copy`], { stdio: "ignore" });
    removeDir(dir);
    removeDir(`${dir}.state`);
  });

  it.skipIf(missing("doctor"))("doctor", () => {
    const r = kiln("doctor");
    expect([0, 1]).toContain(r.code);
    validate("doctor", json(r));
  });

  it.skipIf(missing("config"))("config (the model, and --services)", () => {
    const r = kiln("config");
    expect(r.code, r.stderr).toBe(0);
    validate("config", json(r));
    const names = kiln("config", "--services");
    validate("config", json(names));
    expect(json(names)).toEqual(["api", "worker"]);
  });

  it.skipIf(missing("status"))("status before baking", () => {
    const r = kiln("status");
    expect(r.code, r.stderr).toBe(0);
    validate("status", json(r));
  });

  it.skipIf(missing("bake"))("bake --dry-run, then bake with --progress json events on stderr", () => {
    const dry = kiln("bake", "--dry-run");
    expect(dry.code, dry.stderr).toBe(0);
    validate("bake", json(dry));
    const r = kiln("bake", "--progress", "json");
    expect(r.code, r.stderr).toBe(0);
    const data = json(r) as { services: { image: string }[] };
    validate("bake", data);
    for (const s of data.services) images.add(s.image);
    const events = r.stderr.split("\n").filter((l) => l.startsWith("{"));
    expect(events.length).toBeGreaterThan(0);
    for (const line of events) validate("progress-event", JSON.parse(line));
  });

  it.skipIf(missing("build"))("build", () => {
    const r = kiln("build");
    expect(r.code, r.stderr).toBe(0);
    validate("build", json(r));
  });

  it.skipIf(missing("rebuild"))("rebuild", () => {
    const r = kiln("rebuild", "api");
    expect(r.code, r.stderr).toBe(0);
    const data = json(r) as { services: { image: string }[] };
    validate("rebuild", data);
    for (const s of data.services) images.add(s.image);
  });

  it.skipIf(missing("status"))("status after baking", () => {
    const r = kiln("status");
    expect(r.code, r.stderr).toBe(0);
    validate("status", json(r));
  });

  it.skipIf(missing("why"))("why after baking, and after a change", () => {
    const fresh = kiln("why");
    expect(fresh.code, fresh.stderr).toBe(0);
    validate("why", json(fresh));
    const dockerfile = path.join(dir, "api", "Dockerfile");
    const before = readFileSync(dockerfile, "utf8");
    writeFileSync(dockerfile, `${before}RUN echo changed\n`);
    try {
      const stale = kiln("why");
      expect(stale.code, stale.stderr).toBe(0);
      const data = json(stale) as { services: { state: string }[] };
      expect(data.services.some((s) => s.state === "stale")).toBe(true);
      validate("why", data);
    } finally {
      writeFileSync(dockerfile, before);
    }
  });

  it.skipIf(missing("restore"))("restore", () => {
    const r = kiln("restore");
    expect(r.code, r.stderr).toBe(0);
    validate("restore", json(r));
  });

  it.skipIf(missing("lint"))("lint (findings, --explain, --list-rules)", () => {
    const r = runKiln(["lint", path.join(dir, "api", "Dockerfile"), "--json"], { env });
    expect([0, 1]).toContain(r.code);
    validate("lint", json(r));
    const list = runKiln(["lint", "--list-rules", "--json"], { env });
    expect(list.code, list.stderr).toBe(0);
    const rules = json(list) as { rules: { id: string }[] };
    validate("lint", rules);
    const explain = runKiln(["lint", "--explain", rules.rules[0]?.id ?? "apt-cache-mount", "--json"], {
      env,
    });
    expect(explain.code, explain.stderr).toBe(0);
    validate("lint", json(explain));
  });

  // no registry here: a closed port makes every service "missing" / "failed", the shape still holds
  it.skipIf(missing("push"))("push (to an unreachable registry)", () => {
    const r = kiln("push", "--registry", "127.0.0.1:1/kiln-test");
    expect(r.code, r.stderr).toBe(1);
    validate("push", json(r));
  });

  it.skipIf(missing("pull"))("pull (from an unreachable registry)", () => {
    const r = kiln("pull", "--registry", "127.0.0.1:1/kiln-test");
    // 0 when every image is already on the engine, 1 when one is missing
    expect([0, 1], r.stderr).toContain(r.code);
    validate("pull", json(r));
  });

  it.skipIf(missing("volumes ls"))("volumes ls", () => {
    const r = kiln("volumes", "ls");
    expect(r.code, r.stderr).toBe(0);
    validate("volumes-ls", json(r));
  });

  it.skipIf(missing("volumes fix"))("volumes fix --dry-run", () => {
    const r = kiln("volumes", "fix", "--dry-run");
    expect(r.code, r.stderr).toBe(0);
    validate("volumes-fix", json(r));
  });

  it.skipIf(missing("volumes ensure"))("volumes ensure, inspect, export, import, prune --dry-run", () => {
    const ensure = kiln("volumes", "ensure");
    expect(ensure.code, ensure.stderr).toBe(0);
    validate("volumes-ensure", json(ensure));
    if (!missing("volumes inspect")) {
      const r = kiln("volumes", "inspect", volume);
      expect(r.code, r.stderr).toBe(0);
      validate("volumes-inspect", json(r));
    }
    const tar = path.join(`${dir}.state`, "v.tar");
    mkdirSync(path.dirname(tar), { recursive: true });
    if (!missing("volumes export")) {
      const r = kiln("volumes", "export", volume, tar);
      expect(r.code, r.stderr).toBe(0);
      validate("volumes-export", json(r));
    }
    if (!missing("volumes import") && !missing("volumes export")) {
      const r = kiln("volumes", "import", tar, `${volume}-copy`);
      expect(r.code, r.stderr).toBe(0);
      validate("volumes-import", json(r));
    }
    if (!missing("volumes prune")) {
      // dry run, limited to ours: other tests' volumes are not touched
      const r = kiln("volumes", "prune", "--dry-run", volume);
      expect(r.code, r.stderr).toBe(0);
      validate("volumes-prune", json(r));
    }
  });

  it.skipIf(missing("completion"))("completion", () => {
    const r = runKiln(["completion", "bash", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    validate("completion", json(r));
  });

  // last: its containers keep the cache volume in use (prune above would refuse)
  it.skipIf(missing("up"))("up", () => {
    const r = kiln("up");
    expect(r.code, r.stderr).toBe(0);
    const data = json(r) as { bake: { services?: { image: string }[] } | null };
    validate("up", data);
    for (const s of data.bake?.services ?? []) images.add(s.image);
  });

  it("errors: a usage error, a missing compose file, an unknown command", () => {
    const empty = tempCopy();
    try {
      const cases: [string[], number][] = [
        [["nope"], 2],
        [["completion", "tcsh"], 2],
        ...(missing("status") ? [] : ([[["status", "--project-dir", empty], 2]] as [string[], number][])),
        ...(missing("bake")
          ? []
          : ([[["bake", "--jobs", "0", "--project-dir", dir], 2]] as [string[], number][])),
      ];
      for (const [args, code] of cases) {
        const r = runKiln([...args, "--json"], { env });
        expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(code);
        const data = json(r);
        validate("error", data);
      }
    } finally {
      removeDir(empty);
    }
  });
});
