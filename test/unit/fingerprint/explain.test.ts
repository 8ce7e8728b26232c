import { describe, expect, it } from "vitest";
import type { FingerprintManifest } from "../../../src/core/fingerprint/index.js";
import { explainChange } from "../../../src/report/change-text.js";

function manifest(overrides: Partial<FingerprintManifest> = {}): FingerprintManifest {
  return {
    version: 1,
    hash: "h0",
    dockerfile: "df",
    files: { "api/server.txt": "644:1", "api/util.txt": "644:2" },
    args: { GREETING: "hi", EMPTY: "" },
    platforms: [],
    additionalContexts: {},
    baseImages: { "kiln-local/debian:bookworm": "sha256:1" },
    dependsOnServices: {},
    ...overrides,
  };
}

describe("explainChange", () => {
  it("says nothing for the same fingerprint", () => {
    expect(explainChange(manifest(), manifest())).toEqual([]);
  });

  it("names changed, added and removed source files", () => {
    const prev = manifest();
    const cur = manifest({ hash: "h1", files: { "api/server.txt": "644:9", "api/new.txt": "644:3" } });
    expect(explainChange(prev, cur)).toEqual(["sources changed (api/new.txt, api/server.txt, api/util.txt)"]);
  });

  it("names the files of a new directory rather than the directory", () => {
    const cur = manifest({
      hash: "h1",
      files: { ...manifest().files, web: "d755", "web/index.html": "644:5" },
    });
    expect(explainChange(manifest(), cur)).toEqual(["sources changed (web/index.html)"]);
    const emptyDir = manifest({ hash: "h2", files: { ...manifest().files, cache: "d755" } });
    expect(explainChange(manifest(), emptyDir)).toEqual(["sources changed (cache)"]);
  });

  it("caps the list of files", () => {
    const files = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`f${i}`, "644:x"]));
    expect(
      explainChange(manifest(), manifest({ hash: "h1", files: { ...manifest().files, ...files } })),
    ).toEqual(["sources changed (f0, f1, f2 and 7 more)"]);
  });

  it("explains args, base images, Dockerfile, target, platforms, contexts and service images", () => {
    const prev = manifest({ dependsOnServices: { base: "a" }, additionalContexts: { extra: "dir:1" } });
    const cur = manifest({
      hash: "h1",
      dockerfile: "df2",
      args: { GREETING: "hello", EMPTY: null, NEW: "1" },
      target: "dev",
      platforms: ["linux/arm64"],
      baseImages: { "kiln-local/debian:bookworm": "sha256:2" },
      dependsOnServices: { base: "b" },
      additionalContexts: { extra: "dir:2" },
    });
    expect(explainChange(prev, cur)).toEqual([
      "Dockerfile changed",
      "arg EMPTY changed",
      "arg GREETING changed",
      "arg NEW added",
      "target changed",
      "platforms changed",
      "additional context extra changed",
      "base image kiln-local/debian:bookworm changed",
      "image of service base changed",
    ]);
  });

  it("still gives a reason when only the format or something unlisted changed", () => {
    expect(explainChange(manifest(), manifest({ hash: "h1" }))).toEqual(["fingerprint changed"]);
    expect(explainChange({ ...manifest(), version: 0 as 1 }, manifest({ hash: "h1" }))).toEqual([
      "fingerprint format changed",
    ]);
  });
});
