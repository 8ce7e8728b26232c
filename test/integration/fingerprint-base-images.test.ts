/**
 * Base images in the fingerprint, resolved through the real engine: a local base is recorded by
 * its image ID, a missing one as null, and re-tagging the base to another image changes the
 * fingerprint of every service built FROM it.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildSpec } from "../helpers/build-spec.js";
import { afterAll, describe, expect, it } from "vitest";
import { fingerprintServices } from "../../src/adapters/fs/fingerprint-services.js";
import { getEngine } from "../../src/adapters/engine/index.js";
import { runProcess } from "../../src/adapters/process-runner.js";
import type { BuildSpec } from "../../src/core/compose/model.js";
import { engineAvailable, testLabel, testRunId } from "../helpers/kiln.js";

const tag = testRunId()
  .toLowerCase()
  .replace(/[^a-z0-9_.-]/g, "-");
const BASE = `kiln-test-fp-base:${tag}`;
const dirs: string[] = [];

afterAll(async () => {
  await runProcess(["docker", "rmi", "-f", BASE], { allowFailure: true });
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const spec = (context: string): BuildSpec => buildSpec(context);

describe.skipIf(!engineAvailable())("fingerprint base images on the real engine", () => {
  it("records local image IDs and changes when the base is re-tagged", async () => {
    const engine = getEngine();
    const resolveImageId = async (ref: string) => (await engine.imageInspect(ref))?.id;
    const dir = mkdtempSync(path.join(os.tmpdir(), "kiln-fp-base-"));
    dirs.push(dir);
    writeFileSync(
      path.join(dir, "Dockerfile"),
      `FROM ${BASE}\nFROM kiln-local/busybox:latest\nFROM kiln-test-fp-absent:never\n`,
    );
    const run = async () =>
      (
        await fingerprintServices([{ service: "app", build: spec(dir) }], {
          resolveImageId,
          serviceImageNames: {},
        })
      ).get("app")!;

    await engine.tagImage("kiln-local/busybox:latest", BASE);
    const busyboxId = (await engine.imageInspect("kiln-local/busybox:latest"))!.id;
    const first = await run();
    expect(first.baseImages).toEqual({
      [BASE]: busyboxId,
      "kiln-local/busybox:latest": busyboxId,
      "kiln-test-fp-absent:never": null,
    });

    // the same name now points at another image: every service FROM it is stale
    const other = mkdtempSync(path.join(os.tmpdir(), "kiln-fp-base-img-"));
    dirs.push(other);
    writeFileSync(path.join(other, "Dockerfile"), "FROM kiln-local/busybox:latest\nLABEL variant=two\n");
    await runProcess(["docker", "build", "-q", "--label", testLabel(), "-t", BASE, other], {
      timeoutMs: 120_000,
    });
    const second = await run();
    expect(second.baseImages[BASE]).not.toBe(busyboxId);
    expect(second.hash).not.toBe(first.hash);
  });
});
