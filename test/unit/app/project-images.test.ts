import { describe, expect, it } from "vitest";
import { imagesByFingerprint } from "../../../src/app/project-images.js";
import type { Engine, ImageInfo } from "../../../src/adapters/engine/engine-types.js";

const FP = "b2ae5f2f25ed0123456789";
const image = (id: string, created: string, repoTags: string[]): ImageInfo => ({
  id,
  repoTags,
  labels: { "kiln.fingerprint": FP },
  created,
  size: 1,
});

describe("imagesByFingerprint", () => {
  // Podman lists the older image first; a rebuild leaves two images with one fingerprint
  it("takes the newest image of a fingerprint, whatever order the engine lists them in", async () => {
    // another project's tag of the same fingerprint still names the old image
    const old = image("sha256:old", "2026-12-06T03:23:20Z", ["kiln.invalid/other-app:kiln-b2ae5f2f25ed"]);
    const rebuilt = image("sha256:new", "2026-12-06T03:23:48Z", ["kiln.invalid/pc-app:kiln-b2ae5f2f25ed"]);
    for (const listed of [
      [old, rebuilt],
      [rebuilt, old],
    ]) {
      const engine = { listImages: async () => listed } as unknown as Engine;
      expect((await imagesByFingerprint(engine)).get(FP)?.id).toBe("sha256:new");
    }
  });
});
