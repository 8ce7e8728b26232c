import { describe, expect, it } from "vitest";
import { loadProjectSync } from "../../../src/adapters/project-loader.js";
import { findForeignPins, isPinnedRef, unpinWithOriginal } from "../../../src/core/pin/foreign-pins.js";
import { pinService } from "../../../src/core/pin/pin-text.js";
import { memoryIo } from "../compose/memory-io.js";

const original = [
  "services:",
  "  web:",
  "    # the app",
  "    build:",
  "      context: ./web",
  '    ports: ["8080:80"]',
  "  api:",
  "    image: team/api:dev",
  "    build: ./api",
  "  db:",
  "    image: kiln-local/busybox:latest",
  "",
].join("\n");
const refs = {
  web: "kiln.invalid/other-web:kiln-0123456789ab",
  api: "kiln.invalid/team/api:kiln-ba9876543210",
};
const pinned = pinService(pinService(original, "web", refs.web).text, "api", refs.api).text;

describe("pins kiln made in another folder (#12.3)", () => {
  it("recognises kiln.invalid/…:kiln-<12 hex> and nothing else", () => {
    expect(isPinnedRef(refs.web)).toBe(true);
    expect(isPinnedRef("registry:5000/team/web:kiln-0123456789ab")).toBe(false); // pullable: meant
    expect(isPinnedRef("kiln.invalid/web:latest")).toBe(false);
    expect(isPinnedRef("kiln.invalid/web:kiln-0123")).toBe(false);
  });

  it("finds the pinned services of a file kiln has no record of", () => {
    const model = loadProjectSync({ projectDir: "/p", env: {} }, memoryIo({ "/p/compose.yaml": pinned }));
    expect(findForeignPins(model).map((p) => [p.service, p.imageRef, p.file, p.line])).toEqual([
      ["web", refs.web, "/p/compose.yaml", 4],
      ["api", refs.api, "/p/compose.yaml", 7],
    ]);
  });

  it("undoes them from the file before its pins, byte for byte, keeping later edits", () => {
    const pins = [
      { service: "web", imageRef: refs.web },
      { service: "api", imageRef: refs.api },
    ];
    expect(unpinWithOriginal(pinned, original, pins, "compose.yaml")).toBe(original);
    const edited = pinned.replace("  db:\n", "  db:\n    restart: always\n");
    expect(unpinWithOriginal(edited, original, pins, "compose.yaml")).toBe(
      original.replace("  db:\n", "  db:\n    restart: always\n"),
    );
  });

  it("a version without the build: is no original", () => {
    const pins = [{ service: "web", imageRef: refs.web }];
    expect(unpinWithOriginal(pinned, pinned, pins, "compose.yaml")).toBeNull();
  });
});
