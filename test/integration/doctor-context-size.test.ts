/**
 * #12.10: doctor asks for a .dockerignore only when the context is worth ignoring — not for a
 * three-file context (neither as a context warning nor as the linter's dockerignore-missing),
 * but still for one with hundreds of files.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  engineAvailable,
  makeContextsUnique,
  removeDir,
  runKiln,
  tempCopy,
  testLabel,
} from "../helpers/kiln.js";

interface Check {
  id: string;
  status: string;
  message: string;
  hint?: string;
}

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

function project(files: number): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = tempCopy();
  dirs.push(dir, `${dir}.state`);
  mkdirSync(path.join(dir, "app"));
  writeFileSync(path.join(dir, "app", "Dockerfile"), "FROM kiln-local/busybox:latest\nCOPY . /app\n");
  writeFileSync(path.join(dir, "compose.yaml"), "services:\n  app:\n    build: ./app\n");
  for (let i = 0; i < files; i++) writeFileSync(path.join(dir, "app", `f${i}.txt`), `${i}\n`);
  makeContextsUnique(dir);
  return { dir, env: { KILN_STATE_DIR: `${dir}.state`, KILN_LABELS: testLabel() } };
}

function doctor(p: { dir: string; env: NodeJS.ProcessEnv }): Check[] {
  const r = runKiln(["doctor", "--json", "--project-dir", p.dir], { env: p.env });
  return (JSON.parse(r.stdout) as { checks: Check[] }).checks;
}

describe.skipIf(!engineAvailable())("doctor and .dockerignore", () => {
  it("a three-file context needs none", () => {
    const checks = doctor(project(1));
    expect(checks.find((c) => c.id === "context.app")?.status).toBe("ok");
    const text = JSON.stringify(checks);
    expect(text).not.toContain("dockerignore-missing");
    expect(text).not.toMatch(/create .*\.dockerignore/);
  });

  it("a context with hundreds of files still gets the advice", () => {
    const checks = doctor(project(300));
    expect(checks.find((c) => c.id === "context.app")).toMatchObject({
      status: "warn",
      hint: expect.stringContaining(".dockerignore") as unknown,
    });
  });
});
