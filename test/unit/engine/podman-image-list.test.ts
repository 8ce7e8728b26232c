import { describe, expect, it } from "vitest";
import { ApiEngine } from "../../../src/adapters/engine/api-engine.js";
import type { EngineApi } from "../../../src/adapters/engine/api.js";
import { KilnError } from "../../../src/core/errors.js";

// Podman 4.3's image list fails as a whole when an image it listed is removed before it reads it
const vanished = new KilnError(
  "ERR_KILN_PROCESS_FAILED",
  'engine API GET /images/json: 500 {"cause":"image not known","message":"reading image \\"e6fd\\": image not known"}',
);

function engineAnswering(answers: (unknown[] | KilnError)[]): { engine: ApiEngine; calls: () => number } {
  let calls = 0;
  const api = {
    json: (): Promise<{ status: number; value: unknown }> => {
      const a = answers[Math.min(calls++, answers.length - 1)];
      return a instanceof KilnError ? Promise.reject(a) : Promise.resolve({ status: 200, value: a });
    },
  } as unknown as EngineApi;
  return { engine: new ApiEngine(api), calls: () => calls };
}

describe("listImages on Podman: an image removed while the engine lists", () => {
  it("asks again and returns the list", async () => {
    const { engine, calls } = engineAnswering([
      vanished,
      vanished,
      [{ Id: "sha256:abc", RepoTags: ["a:b"] }],
    ]);
    const images = await engine.listImages(["kiln.fingerprint"]);
    expect(images.map((i) => i.id)).toEqual(["sha256:abc"]);
    expect(calls()).toBe(3);
  });
  it("gives up after five answers like that, and never retries other errors", async () => {
    const { engine, calls } = engineAnswering([vanished]);
    await expect(engine.listImages([])).rejects.toThrow("image not known");
    expect(calls()).toBe(5);
    const other = engineAnswering([new KilnError("ERR_KILN_PROCESS_FAILED", "500 disk full")]);
    await expect(other.engine.listImages([])).rejects.toThrow("disk full");
    expect(other.calls()).toBe(1);
  });
});
