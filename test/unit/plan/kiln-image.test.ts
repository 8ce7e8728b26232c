import { describe, expect, it } from "vitest";
import { isKilnImage } from "../../../src/core/image-ref.js";

const fp = "0123456789abcdef".repeat(4);

describe("isKilnImage (#12.2): kiln's image, not one built FROM it", () => {
  it("a content tag of the fingerprint, in any repository, makes it kiln's", () => {
    expect(isKilnImage({ repoTags: [`kiln.invalid/p-api:kiln-${fp.slice(0, 12)}`] }, fp)).toBe(true);
    expect(isKilnImage({ repoTags: ["p-api:latest", `reg:5000/team/api:kiln-${fp.slice(0, 12)}`] }, fp)).toBe(
      true,
    );
  });

  it("a child with inherited labels but other tags (or none) is not", () => {
    expect(isKilnImage({ repoTags: ["vsc-p-abc123-uid:latest"] }, fp)).toBe(false);
    expect(isKilnImage({ repoTags: [] }, fp)).toBe(false);
  });

  it("the content tag of another fingerprint does not count", () => {
    expect(isKilnImage({ repoTags: ["kiln.invalid/p-api:kiln-ffffffffffff"] }, fp)).toBe(false);
    expect(isKilnImage({ repoTags: [`kiln.invalid/kiln-${fp.slice(0, 12)}:latest`] }, fp)).toBe(false);
  });
});
