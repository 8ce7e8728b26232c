/** A fixture copy baked under a spy docker: what the bake suites that count builds share. */
import { expect } from "vitest";
import { makeContextsUnique, runKiln, tempCopy, testLabel } from "./kiln.js";
import { makeSpyDocker, type SpyDocker } from "./spy-docker.js";

/**
 * A copy of `fixture` with contexts of its own, its own state dir and a spy docker; the folders
 * to remove afterwards are pushed onto `dirs`.
 */
export function spiedProject(
  fixture: string,
  dirs: string[],
): { dir: string; env: NodeJS.ProcessEnv; spy: SpyDocker } {
  const dir = tempCopy(fixture);
  makeContextsUnique(dir);
  const spy = makeSpyDocker();
  dirs.push(dir, `${dir}.state`, spy.binDir);
  return { dir, spy, env: { KILN_STATE_DIR: `${dir}.state`, KILN_LABELS: testLabel(), ...spy.env } };
}

/** `kiln bake --json` in `dir`, its output parsed; a non-zero exit fails the test with stderr */
export function bakeJson<T>(dir: string, env: NodeJS.ProcessEnv, ...args: string[]): T {
  const r = runKiln(["bake", "--json", "--project-dir", dir, ...args], { env });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
}
