import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { composeValidators } from "../../../src/adapters/compose-files.js";
import { repoRoot } from "../../helpers/kiln.js";

describe("the precompiled Compose schema validator", () => {
  it("was generated from the current schemas/compose-spec.json (else run node schemas/generate-validators.mjs)", async () => {
    const gen = (await import(path.join(repoRoot, "schemas", "generate-validators.mjs"))) as {
      schemaStamp: () => string;
    };
    const head = readFileSync(path.join(repoRoot, "schemas", "compose-spec.validate.cjs"), "utf8").slice(
      0,
      400,
    );
    expect(head).toContain(gen.schemaStamp());
  });

  it("accepts a valid file and rejects an unknown service key", () => {
    const check = composeValidators().fast;
    expect(check({ services: { a: { image: "x", build: { context: ".", args: ["A=1"] } } } })).toBe(true);
    expect(check({ services: { a: { imag: "x" } } })).toBe(false);
    expect(check.errors?.some((e) => e.params.additionalProperty === "imag")).toBe(true);
  });
});
