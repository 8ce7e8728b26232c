/**
 * Found by the fault suite's fuzzing: a compose file holding only comments (or nothing) made
 * the YAML converter read `.anchor` of a null node — a TypeError ("a bug in kiln") instead of
 * kiln's own error.
 */
import { describe, expect, it } from "vitest";
import { loadProjectSync } from "../../../src/adapters/project-loader.js";
import { memoryIo, thrown } from "./memory-io.js";

describe("comment-only compose files", () => {
  for (const text of ["# services come later\n", "", "\n\n", "---\n# nothing\n"]) {
    it(`${JSON.stringify(text)} is a KilnError, not a crash`, () => {
      const error = thrown(() =>
        loadProjectSync({ projectDir: "/p" }, memoryIo({ "/p/compose.yaml": text })),
      );
      expect(error.code, error.message).toMatch(/^ERR_KILN_/);
      expect(error.hint).toBeTruthy();
    });
  }
});
