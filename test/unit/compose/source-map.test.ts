import { describe, expect, it } from "vitest";
import { loadProjectSync } from "../../../src/adapters/project-loader.js";
import { memoryIo } from "./memory-io.js";

const files = {
  "/p/compose.yaml": [
    "x-build: &b", // 1
    "  context: ./shared", // 2
    "x-svc: &svc", // 3
    "  build: ./from-merge", // 4
    "services:", // 5
    "  own:", // 6
    "    build: ./own", // 7
    "    image: own:1", // 8
    "  merged:", // 9
    "    <<: *svc", // 10
    "  aliased:", // 11
    "    build: *b", // 12
    "  base:", // 13
    "    build: ./base", // 14
    "  child:", // 15
    "    extends: base", // 16
    "  overridden:", // 17
    "    build: ./first", // 18
    "  image-only:", // 19
    "    image: x", // 20
  ].join("\n"),
  "/p/compose.override.yaml": "services:\n  overridden:\n    build:\n      target: dev\n    image: o:2\n",
};
const p = loadProjectSync({ projectDir: "/p", env: {} }, memoryIo(files));
const src = (name: string) => p.services.find((s) => s.name === name)?.source;

describe("source map of build:/image:", () => {
  it("own keys", () => {
    expect(src("own")).toEqual({
      service: { file: "/p/compose.yaml", line: 6, column: 3 },
      build: { file: "/p/compose.yaml", line: 7, column: 5, origin: "own" },
      builds: [{ file: "/p/compose.yaml", line: 7, column: 5, origin: "own" }],
      image: { file: "/p/compose.yaml", line: 8, column: 5, origin: "own" },
      images: [{ file: "/p/compose.yaml", line: 8, column: 5, origin: "own" }],
    });
  });

  it("a build from a << merge key points into the anchor", () => {
    expect(src("merged")?.build).toEqual({
      file: "/p/compose.yaml",
      line: 4,
      column: 3,
      origin: "merge-key",
    });
  });

  it("a build that is an alias points at the service's own key", () => {
    expect(src("aliased")?.build).toEqual({
      file: "/p/compose.yaml",
      line: 12,
      column: 5,
      origin: "anchor-alias",
    });
  });

  it("a build inherited through extends points into the base service", () => {
    expect(src("child")?.build).toEqual({ file: "/p/compose.yaml", line: 14, column: 5, origin: "extends" });
  });

  it("the last file that writes the key wins; every file that writes it is listed (#12.1)", () => {
    expect(src("overridden")).toEqual({
      service: { file: "/p/compose.override.yaml", line: 2, column: 3 },
      build: { file: "/p/compose.override.yaml", line: 3, column: 5, origin: "own" },
      builds: [
        { file: "/p/compose.yaml", line: 18, column: 5, origin: "own" },
        { file: "/p/compose.override.yaml", line: 3, column: 5, origin: "own" },
      ],
      image: { file: "/p/compose.override.yaml", line: 5, column: 5, origin: "own" },
      images: [{ file: "/p/compose.override.yaml", line: 5, column: 5, origin: "own" }],
    });
  });

  it("an inherited build is listed by where the base writes it", () => {
    expect(src("child")?.builds).toEqual([
      { file: "/p/compose.yaml", line: 14, column: 5, origin: "extends" },
    ]);
  });

  it("no build entry for an image-only service", () => {
    expect(src("image-only")?.build).toBeUndefined();
    expect(src("image-only")?.image?.line).toBe(20);
  });
});
