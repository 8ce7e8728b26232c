/**
 * When the registry cannot be trusted or reached, kiln says so and builds — it never pins an
 * image whose fingerprint label is not the service's: registry down, wrong credentials, and a
 * fingerprint tag that exists but holds another image. Credentials stay in docker's config.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  engineAvailable,
  removeDir,
  runKiln,
  tempCopy,
  testLabel,
  makeContextUnique,
} from "../helpers/kiln.js";
import { freePort, startRegistry, type TestRegistry } from "../helpers/registry.js";

interface BakeJson {
  services: { name: string; image: string; action: string; reason: string }[];
  pinned: string[];
}

const dirs: string[] = [];
const registries: TestRegistry[] = [];
afterAll(async () => {
  for (const r of registries) await r.stop();
  dirs.forEach(removeDir);
}, 60_000);

function project(): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = tempCopy("bake/basic");
  for (const ctx of ["api", "worker"]) makeContextUnique(path.join(dir, ctx));
  dirs.push(dir, `${dir}.state`);
  return { dir, env: { KILN_STATE_DIR: `${dir}.state`, KILN_LABELS: testLabel() } };
}

function label(image: string): string {
  return spawnSync(
    "docker",
    ["image", "inspect", "--format", '{{index .Config.Labels "kiln.fingerprint"}}', image],
    {
      encoding: "utf8",
    },
  ).stdout.trim();
}

function fingerprints(dir: string, env: NodeJS.ProcessEnv): Map<string, string> {
  const r = runKiln(["bake", "--dry-run", "--json", "--project-dir", dir], { env });
  const plan = (JSON.parse(r.stdout) as { plan: { targets: { service: string; fingerprint: string }[] } })
    .plan;
  return new Map(plan.targets.map((t) => [t.service, t.fingerprint]));
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

function bcrypt(password: string): string {
  const r = spawnSync(
    "python3",
    [
      "-c",
      "import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))",
      password,
    ],
    { encoding: "utf8" },
  );
  return r.stdout.trim();
}

describe.skipIf(!engineAvailable())("sharing: registry errors fall back to building", () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startRegistry();
    registries.push(registry);
  }, 60_000);

  it("registry down: a clear note, then every service is built and pinned", async () => {
    const p = project();
    const where = `127.0.0.1:${await freePort()}/team`;
    const r = runKiln(["bake", "--json", "--registry", where, "--project-dir", p.dir], { env: p.env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/registry 127\.0\.0\.1:\d+\/team is unreachable.*building instead/);
    const out = JSON.parse(r.stdout) as BakeJson;
    expect(out.services.map((s) => s.action)).toEqual(["built", "built"]);
    // and pushing to it is an error, not a silent success
    const push = runKiln(["push", "--json", "--registry", where, "--project-dir", p.dir], { env: p.env });
    expect(push.code).toBe(1);
    expect(
      (JSON.parse(push.stdout) as { services: { state: string }[] }).services.map((s) => s.state),
    ).toEqual(["failed", "failed"]);
  }, 120_000);

  it("a fingerprint tag holding another image is never pulled or pinned: the service is built", () => {
    const p = project();
    const where = `${registry.host}/decoy`;
    const fp = fingerprints(p.dir, p.env).get("api") ?? "";
    const decoyDir = tempCopy();
    dirs.push(decoyDir);
    writeFileSync(
      path.join(decoyDir, "Dockerfile"),
      "FROM kiln-local/busybox:latest\nRUN echo decoy > /decoy\n",
    );
    const ref = `${where}/api:kiln-${fp.slice(0, 12)}`;
    const build = spawnSync(
      "docker",
      [
        "build",
        "-q",
        "-t",
        ref,
        "--label",
        testLabel(),
        "--label",
        `kiln.fingerprint=${"0".repeat(64)}`,
        decoyDir,
      ],
      { encoding: "utf8" },
    );
    expect(build.status, build.stderr).toBe(0);
    expect(spawnSync("docker", ["push", "-q", ref]).status).toBe(0);
    spawnSync("docker", ["rmi", ref]);

    const dry = runKiln(["bake", "--dry-run", "--json", "--registry", where, "--project-dir", p.dir], {
      env: p.env,
    });
    const targets = (JSON.parse(dry.stdout) as { plan: { targets: { action: string }[] } }).plan.targets;
    expect(targets.map((t) => t.action)).toEqual(["build", "build"]);
    expect(dry.stderr).toContain(`${ref} exists but carries fingerprint ${"0".repeat(64)}`);

    const r = runKiln(["bake", "--json", "--registry", where, "--project-dir", p.dir], { env: p.env });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as BakeJson;
    expect(out.services.map((s) => s.action)).toEqual(["built", "built"]);
    expect(label(out.services[0]?.image ?? "")).toBe(fp);
    expect(readFileSync(path.join(p.dir, "docker-compose.yml"), "utf8")).toContain(
      `image: ${out.services[0]?.image}`,
    );
  }, 120_000);

  it("wrong credentials: a clear note and a build; push fails with a login hint; right ones work; nothing stored", async () => {
    const secure = await startRegistry({ htpasswd: `kiln:${bcrypt("right-pw")}\n` });
    registries.push(secure);
    const where = `${secure.host}/team`;
    const p = project();
    const config = tempCopy();
    dirs.push(config);
    const auth = (pw: string): void =>
      writeFileSync(
        path.join(config, "config.json"),
        JSON.stringify({ auths: { [secure.host]: { auth: Buffer.from(`kiln:${pw}`).toString("base64") } } }),
      );
    auth("wrong-pw");
    const env = { ...p.env, DOCKER_CONFIG: config };

    const r = runKiln(["bake", "--json", "--push", "--registry", where, "--project-dir", p.dir], { env });
    expect(r.code).toBe(1); // built and pinned, but the push was refused
    const out = JSON.parse(r.stdout) as BakeJson;
    expect(out.services.map((s) => s.action)).toEqual(["built", "built"]);
    expect(out.pinned.sort()).toEqual(["api", "worker"]);
    expect(r.stderr).toMatch(/refused access .*HTTP 401[\s\S]*building instead/);
    expect(r.stderr).toMatch(/push of api failed[\s\S]*docker login/);

    auth("right-pw");
    const push = runKiln(["push", "--json", "--registry", where, "--project-dir", p.dir], { env });
    expect(push.code, push.stderr).toBe(0);
    expect(
      (JSON.parse(push.stdout) as { services: { state: string }[] }).services.map((s) => s.state),
    ).toEqual(["pushed", "pushed"]);
    // kiln never wrote a credential into its state, history or output
    const secrets = ["right-pw", "wrong-pw", Buffer.from("kiln:right-pw").toString("base64")];
    mkdirSync(`${p.dir}.state`, { recursive: true });
    for (const f of filesUnder(`${p.dir}.state`)) {
      const text = readFileSync(f, "utf8");
      for (const s of secrets) expect(text, f).not.toContain(s);
    }
    for (const s of secrets) expect(`${r.stdout}${r.stderr}${push.stdout}${push.stderr}`).not.toContain(s);
  }, 180_000);
});
