/**
 * The engine adapter against the real engine: a BuildKit build with a cache mount, in both
 * client modes (buildx plugin, legacy 20.10 client with DOCKER_BUILDKIT=1); the counter kept in
 * the mount must grow across builds, proving the mount is reused.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { detectClient, type BuildMode } from "../../src/adapters/engine/client.js";
import { runBuild } from "../../src/adapters/engine/build.js";
import { getEngine } from "../../src/adapters/engine/index.js";
import { runProcess } from "../../src/adapters/process-runner.js";
import type { BuildEvent } from "../../src/core/build/events.js";
import { engineAvailable, TEST_LABEL, testRunId } from "../helpers/kiln.js";

const dirs: string[] = [];
const images: string[] = [];

afterAll(async () => {
  const engine = getEngine();
  for (const img of images) await engine.removeImage(img, true);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function project(mountId: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "kiln-engine-"));
  dirs.push(dir);
  writeFileSync(
    path.join(dir, "Dockerfile"),
    [
      "FROM kiln-local/busybox:latest",
      "ARG NONCE",
      `RUN --mount=type=cache,target=/cache,id=${mountId} echo "$NONCE" >> /cache/count && wc -l < /cache/count > /count`,
      'CMD ["cat", "/count"]',
      "",
    ].join("\n"),
  );
  return dir;
}

async function countIn(image: string): Promise<number> {
  const r = await runProcess(["docker", "run", "--rm", "--label", `${TEST_LABEL}=${testRunId()}`, image]);
  return Number(r.stdout.trim());
}

describe.skipIf(!engineAvailable()).each<BuildMode>(["buildx", "legacy"])(
  "BuildKit build in %s mode",
  (mode) => {
    it("reuses the cache mount across builds and reports steps", async () => {
      const env = {
        ...process.env,
        KILN_BUILD_MODE: mode,
        ...(mode === "legacy" ? { KILN_DOCKER: "/usr/bin/docker" } : {}),
      };
      const client = await detectClient({ env });
      expect(client.mode).toBe(mode);
      const mountId = `kiln-test-${testRunId()}-${mode}`;
      const dir = project(mountId);
      const tag = `kiln-test/engine-${mode}:${testRunId()}`;
      images.push(tag);
      const counts: number[] = [];
      for (const nonce of ["a", "b", "c"]) {
        const events: BuildEvent[] = [];
        const outcome = await runBuild(
          client,
          {
            context: dir,
            dockerfile: path.join(dir, "Dockerfile"),
            tags: [tag],
            labels: { [TEST_LABEL]: testRunId() },
            args: { NONCE: nonce },
          },
          { onEvent: (e) => events.push(e) },
        );
        expect(outcome.imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
        expect(outcome.steps.total).toBe(1);
        expect(events.some((e) => e.type === "step" && e.name.includes("RUN") && e.state === "done")).toBe(
          true,
        );
        counts.push(await countIn(tag));
      }
      expect(counts).toEqual([counts[0], (counts[0] ?? 0) + 1, (counts[0] ?? 0) + 2]);

      // the same inputs again: every Dockerfile step comes back CACHED
      const again = await runBuild(client, {
        context: dir,
        dockerfile: path.join(dir, "Dockerfile"),
        tags: [tag],
        labels: { [TEST_LABEL]: testRunId() },
        args: { NONCE: "c" },
      });
      expect(again.steps).toMatchObject({ total: 1, cached: 1 });
    });

    it("reports a failing step with its output", async () => {
      const env = {
        ...process.env,
        KILN_BUILD_MODE: mode,
        ...(mode === "legacy" ? { KILN_DOCKER: "/usr/bin/docker" } : {}),
      };
      const client = await detectClient({ env });
      const dir = mkdtempSync(path.join(os.tmpdir(), "kiln-engine-"));
      dirs.push(dir);
      writeFileSync(
        path.join(dir, "Dockerfile"),
        'FROM kiln-local/busybox:latest\nRUN echo "boom-marker" && exit 3\n',
      );
      await expect(
        runBuild(client, {
          context: dir,
          dockerfile: path.join(dir, "Dockerfile"),
          tags: [],
          labels: { [TEST_LABEL]: testRunId() },
          args: {},
        }),
      ).rejects.toMatchObject({
        code: "ERR_KILN_BUILD_FAILED",
        message: expect.stringContaining("boom-marker") as unknown,
      });
    });
  },
);
