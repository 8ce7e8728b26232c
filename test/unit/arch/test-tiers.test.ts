import { describe, expect, it } from "vitest";
import { unitOnly } from "../../helpers/global-setup.js";

describe("unitOnly: when the suite may run without an engine", () => {
  it("npm run test:unit sets KILN_TEST_UNIT_ONLY", () => {
    expect(unitOnly(["run", "test/unit"], { KILN_TEST_UNIT_ONLY: "1" })).toBe(true);
  });
  it("files or folders only under test/unit", () => {
    expect(unitOnly(["run", "test/unit/report/summary.test.ts", "./test/unit/lint"], {})).toBe(true);
  });
  it("the whole suite, an integration file, or a mix needs the engine", () => {
    expect(unitOnly(["run"], {})).toBe(false);
    expect(unitOnly([], {})).toBe(false);
    expect(unitOnly(["run", "test/integration/bake.test.ts"], {})).toBe(false);
    expect(unitOnly(["run", "test/unit", "test/integration/history.test.ts"], {})).toBe(false);
    expect(unitOnly(["run", "test/unit"], { KILN_TEST_UNIT_ONLY: "0" })).toBe(true);
    expect(unitOnly(["run", "test/unitx/a.test.ts"], {})).toBe(false);
  });
});
