/**
 * Features builds through the CLI's fixed `dev_container_feature_content_temp` image run one at a
 * time per engine: a second waits for the first (two at once retagged it under each other).
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { withContentImageLock } from "../../../src/adapters/devcontainer/content-image-lock.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function lockDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), "kiln-content-lock-"));
  dirs.push(d);
  return path.join(d, "lock-dir");
}

const tick = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe("withContentImageLock", () => {
  it("runs two builds on one engine one after the other", async () => {
    const dir = lockDir();
    const events: string[] = [];
    const build = (name: string) =>
      withContentImageLock(
        dir,
        undefined,
        async () => {
          events.push(`${name} start`);
          await tick(60);
          events.push(`${name} end`);
          return name;
        },
        tick,
      );
    const results = await Promise.all([build("a"), build("b")]);
    expect(results).toEqual(["a", "b"]);
    expect(events).toEqual(["a start", "a end", "b start", "b end"]);
  });

  it("releases the lock when the build fails", async () => {
    const dir = lockDir();
    await expect(
      withContentImageLock(dir, undefined, () => Promise.reject(new Error("build failed")), tick),
    ).rejects.toThrow("build failed");
    await expect(withContentImageLock(dir, undefined, () => Promise.resolve("next"), tick)).resolves.toBe(
      "next",
    );
  });
});
