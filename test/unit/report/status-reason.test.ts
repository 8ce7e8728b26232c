/**
 * `kiln status` causes in words (report/status-reason.ts): the texts status printed before the
 * causes were data (#14.3), unchanged.
 */
import { describe, expect, it } from "vitest";
import type { StatusCause } from "../../../src/core/plan/status-cause.js";
import { statusReason } from "../../../src/report/status-reason.js";

const say = (cause: StatusCause) => statusReason({ name: "api", image: "kiln.invalid/api:kiln-1", cause });

describe("statusReason", () => {
  it("says each cause as status always did", () => {
    expect(say({ code: "pinned-fresh" })).toBe("pinned image matches the sources");
    expect(say({ code: "not-pinned", built: true })).toBe(
      "built for the current sources, not pinned (run `kiln bake`)",
    );
    expect(say({ code: "not-pinned", built: false })).toBe("no image for the current sources");
    expect(say({ code: "sources-changed", changes: [] })).toBe("sources changed since the pinned build");
    expect(
      say({
        code: "sources-changed",
        changes: [
          { kind: "sources", paths: ["server.txt"] },
          { kind: "arg", name: "GREETING", change: "changed" },
        ],
      }),
    ).toBe("sources changed (server.txt); arg GREETING changed");
    expect(say({ code: "image-missing" })).toBe(
      "pinned image kiln.invalid/api:kiln-1 is not on the engine (run `kiln rebuild api` or `kiln restore`)",
    );
    expect(say({ code: "partly-pinned", files: ["/p/a.yaml", "/p/b.yaml"] })).toMatch(
      /^partly pinned: build: is back in \/p\/a\.yaml, \/p\/b\.yaml, so compose builds it/,
    );
    expect(say({ code: "override-not-followed", problem: "kiln's copy is missing" })).toBe(
      "pinned in kiln's override file, which the devcontainer does not follow: kiln's copy is missing",
    );
  });

  it("says where a pin made elsewhere is, whether its image is here, and the fix", () => {
    const text = say({
      code: "pinned-elsewhere",
      file: "compose.yaml",
      line: 4,
      imagePresent: false,
      fix: { command: "kiln restore --from-git", why: "commit 0123456789ab has the build: section" },
    });
    expect(text).toBe(
      "compose.yaml:4 pins it to a kiln image, but this folder has no record of the pin (made in another folder, or kiln's state was removed); that image is not on this engine, so compose cannot start it; run `kiln restore --from-git` (commit 0123456789ab has the build: section)",
    );
    expect(say({ code: "pinned-elsewhere", file: "compose.yaml", line: 4, imagePresent: true })).toContain(
      "that image is on this engine; put its build: back (git checkout -- compose.yaml,",
    );
  });
});
