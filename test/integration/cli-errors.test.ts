/**
 * #12.8: errors a user meets before kiln does anything — each a typed error with a hint and its
 * documented exit code, never Node's own message nor "this is a bug in kiln". bin/kiln is spawned
 * directly, as a shell runs it (Node itself would read `--env-file` on `node bin/kiln …`).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { kilnBin, removeDir, tempCopy } from "../helpers/kiln.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

function kiln(args: string[], env: NodeJS.ProcessEnv = {}): { code: number; stdout: string; stderr: string } {
  const dir = tempCopy("bake/basic");
  dirs.push(dir, `${dir}.state`);
  const r = spawnSync(kilnBin, ["--project-dir", dir, ...args], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: "1", KILN_STATE_DIR: `${dir}.state`, ...env },
    encoding: "utf8",
  });
  return { code: r.status ?? 128, stdout: r.stdout, stderr: r.stderr };
}

describe("errors before any work", () => {
  it("--env-file with a missing file is kiln's usage error, not Node's exit 9", () => {
    const r = kiln(["--env-file", "nope.env", "status"]);
    expect(r.stderr).not.toContain("node:");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^kiln: error: env file not found: .*nope\.env$/m);
    expect(r.stderr).toMatch(/^hint: /m);
  });

  it("a file where the state folder should be: ERR_KILN_STATE_DIR, exit 2, with a hint", () => {
    const file = path.join(tempCopy(), "state-is-a-file");
    dirs.push(path.dirname(file));
    writeFileSync(file, "");
    const r = kiln(["status", "--json"], { KILN_STATE_DIR: file });
    expect(r.code).toBe(2);
    const body = JSON.parse(r.stdout) as { error: { code: string; hint: string } };
    expect(body.error.code).toBe("ERR_KILN_STATE_DIR");
    expect(body.error.hint).toContain("KILN_STATE_DIR");
    expect(r.stderr).not.toContain("bug in kiln");
    expect(readFileSync(file, "utf8")).toBe("");
    // doctor names it as its own check
    const d = kiln(["doctor", "--json"], { KILN_STATE_DIR: file });
    const checks = (JSON.parse(d.stdout) as { checks: { id: string; status: string; hint?: string }[] })
      .checks;
    expect(checks.find((c) => c.id === "state.dir")).toMatchObject({
      status: "fail",
      hint: expect.stringContaining("KILN_STATE_DIR") as unknown,
    });
    expect(d.code).toBe(1);
  });

  it("an unknown flag and a bad choice get a hint naming what to type", () => {
    const flag = kiln(["bake", "--mod", "inplace"]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/^hint: did you mean --mode\? `kiln bake --help`/m);
    const choice = kiln(["bake", "--mode", "bogus"]);
    expect(choice.code).toBe(2);
    expect(choice.stderr).toMatch(/^hint: use one of: inplace, override/m);
    expect(`${flag.stderr}${choice.stderr}`).not.toContain("(run with --help for usage)");
  });

  it("several devcontainer configs: listed, --devcontainer asked for; kiln's generated copy does not count (#12.10)", () => {
    const dir = tempCopy();
    dirs.push(dir, `${dir}.state`);
    const put = (rel: string, text: string): void => {
      mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      writeFileSync(path.join(dir, rel), text);
    };
    put(".devcontainer/compose.yml", "services:\n  app:\n    image: kiln-local/busybox:latest\n");
    put(".devcontainer/devcontainer.json", '{ "dockerComposeFile": "compose.yml", "service": "app" }');
    put(
      ".devcontainer/kiln/devcontainer.json",
      '{ "x-kiln-generated": true, "dockerComposeFile": ["../compose.yml"], "service": "app" }',
    );
    const run = (...args: string[]) =>
      spawnSync(kilnBin, ["--project-dir", dir, "config", "--json", ...args], {
        env: { ...process.env, NO_COLOR: "1", KILN_STATE_DIR: `${dir}.state` },
        encoding: "utf8",
      });
    expect(run().status).toBe(0);
    put(
      ".devcontainer/python/devcontainer.json",
      '{ "dockerComposeFile": "../compose.yml", "service": "app" }',
    );
    const ambiguous = run();
    expect(ambiguous.status).toBe(2);
    expect(ambiguous.stderr).toContain(
      ".devcontainer/devcontainer.json, .devcontainer/python/devcontainer.json",
    );
    expect(ambiguous.stderr).toMatch(/^hint: choose one: --devcontainer .*python\/devcontainer\.json/m);
    expect(run("--devcontainer", path.join(dir, ".devcontainer/python")).status).toBe(0);
  });
});
