/**
 * A pinned file reverted outside kiln (git checkout, a hand edit back to build:) is taken as the
 * truth: the next bake pins it again, and its backup is the file as it is now.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bakeFixture, engineAvailable, removeDir, runKiln } from "../helpers/kiln.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

describe.skipIf(!engineAvailable())("a pinned file reverted by the user", () => {
  it("is baked and pinned again, and restore gives back the reverted file with its new edits", () => {
    const { dir, env } = bakeFixture("bake/basic");
    dirs.push(dir, `${dir}.state`);
    const file = path.join(dir, "docker-compose.yml");
    const original = readFileSync(file, "utf8");
    expect(runKiln(["bake", "--project-dir", dir], { env }).code).toBe(0);
    expect(readFileSync(file, "utf8")).not.toBe(original);

    // the user reverts the file (git checkout) and edits it
    const edited = original.replace("# the API server", "# the API server, edited after the revert");
    writeFileSync(file, edited);
    const again = runKiln(["bake", "--json", "--project-dir", dir], { env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain("forgetting the pin");
    expect(JSON.parse(again.stdout)).toMatchObject({ pinned: ["api", "worker"] });
    expect(readFileSync(file, "utf8")).toContain("# the API server, edited after the revert");

    const st = runKiln(["status", "--json", "--project-dir", dir], { env });
    expect(JSON.parse(st.stdout)).toMatchObject({ services: [{ state: "baked" }, { state: "baked" }] });
    const back = runKiln(["restore", "--from-backup", "--project-dir", dir], { env });
    expect(back.code, back.stderr).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(edited);
  });
});
