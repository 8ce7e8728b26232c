/**
 * runServices: a devcontainer bake builds what the Dev Containers CLI starts — `service`,
 * `runServices` and what they depend on — and says why it skips the rest (issue #13.5).
 */
import { afterAll, describe, expect, it } from "vitest";
import { bakeFixture, engineAvailable, removeDir, runKiln } from "../helpers/kiln.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

interface BakeJson {
  services: { name: string; action: string; reason: string }[];
  pinned: string[];
}

describe.skipIf(!engineAvailable())("devcontainer bake scope (runServices)", () => {
  it("builds service + runServices + depends_on; the others only with --all or by name", () => {
    const { dir, env } = bakeFixture("devcontainer/node-postgres");
    dirs.push(dir, `${dir}.state`);

    const plan = runKiln(["bake", "--dry-run", "--project-dir", dir], { env });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/docs.*not started by the devcontainer/);

    const r = runKiln(["bake", "--json", "--project-dir", dir], { env });
    expect(r.code, r.stderr).toBe(0);
    const body = JSON.parse(r.stdout) as BakeJson;
    const by = Object.fromEntries(body.services.map((s) => [s.name, s]));
    expect(by.app?.action).toBe("built");
    expect(by.db?.action).toBe("built"); // app depends_on db
    expect(by.docs?.action).toBe("skipped");
    expect(by.docs?.reason).toMatch(/^skip: not started by the devcontainer/);
    expect(body.pinned.sort()).toEqual(["app", "db"]);

    const all = runKiln(["build", "--all", "--json", "--project-dir", dir], { env });
    expect(all.code, all.stderr).toBe(0);
    const built = (JSON.parse(all.stdout) as BakeJson).services.find((s) => s.name === "docs");
    expect(built?.action).toBe("built");

    const both = runKiln(["bake", "--all", "docs", "--json", "--project-dir", dir], { env });
    expect(both.code).toBe(2);
  });
});
