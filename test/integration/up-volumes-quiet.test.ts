/**
 * #12.9: `kiln up` creates the project's missing cache volume, then runs `compose up`. compose
 * must take that volume as its own: no "volume already exists but was not created by Docker
 * Compose" warning, and the volume carries compose's project/volume labels next to kiln's.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { engineAvailable, removeDir, runKiln, tempCopy, testLabel, testRunId } from "../helpers/kiln.js";

const id = randomBytes(4).toString("hex");
const project = `kup${id}`;

describe.skipIf(!engineAvailable())("kiln up and the volumes it creates", () => {
  const dir = tempCopy("volumes/up-cache");
  afterAll(() => {
    spawnSync("docker", ["compose", "--project-directory", dir, "down", "-v", "-t", "0"]);
    spawnSync("docker", ["volume", "rm", "-f", `${project}_pip-cache`]);
    removeDir(dir);
    removeDir(`${dir}.state`);
  });

  it("compose does not warn about a volume kiln created", () => {
    const file = path.join(dir, "compose.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replaceAll("@ID@", id).replaceAll("@RUN@", testRunId()));
    const env = { KILN_STATE_DIR: `${dir}.state`, KILN_LABELS: testLabel() };
    const r = runKiln(["up", "--project-dir", dir], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`created volume(s) ${project}_pip-cache`);
    expect(r.stderr).not.toMatch(/already exists but was not created by Docker Compose/);
    const labels = spawnSync(
      "docker",
      ["volume", "inspect", "--format", "{{json .Labels}}", `${project}_pip-cache`],
      {
        encoding: "utf8",
      },
    );
    expect(JSON.parse(labels.stdout)).toMatchObject({
      "kiln.managed": "true",
      "kiln.purpose": "pip",
      "com.docker.compose.project": project,
      "com.docker.compose.volume": "pip-cache",
    });
    // a second up: the volume exists, compose still quiet
    const again = runKiln(["up", "--project-dir", dir], { env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toMatch(/already exists but was not created/);
  });
});
