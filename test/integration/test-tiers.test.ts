/**
 * Engine suites never skip silently (#14.8): with no engine answering, vitest on an integration
 * file fails with how to start the engine; unit tests alone still run.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../helpers/kiln.js";

function vitestWithoutEngine(...args: string[]): { code: number | null; output: string } {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DOCKER_HOST: `unix://${path.join(repoRoot, "no-engine.sock")}`,
  };
  delete env.KILN_TEST_UNIT_ONLY;
  delete env.DOCKER_CONTEXT;
  const r = spawnSync(
    process.execPath,
    [path.join(repoRoot, "node_modules", "vitest", "vitest.mjs"), "run", ...args],
    {
      cwd: repoRoot,
      env,
      encoding: "utf8",
      timeout: 120_000,
    },
  );
  return { code: r.status, output: `${r.stdout}${r.stderr}` };
}

describe("without an engine", () => {
  it("an integration file fails and says how to start the engine", () => {
    const r = vitestWithoutEngine("test/integration/doctor-git-pins.test.ts");
    expect(r.code).not.toBe(0);
    expect(r.output).toContain("bash scripts/dev-engine.sh");
    expect(r.output).toContain("npm run test:unit");
  });

  it("unit tests still run", () => {
    const r = vitestWithoutEngine("test/unit/report/report-pointer.test.ts");
    expect(r.code, r.output).toBe(0);
    expect(r.output).toMatch(/4 passed, 0 failed/);
  });
});
