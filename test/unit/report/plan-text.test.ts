import { describe, expect, it } from "vitest";
import { formatPlan } from "../../../src/report/plan-text.js";
import type { Plan, PlanTarget } from "../../../src/core/plan/plan.js";

function target(over: Partial<PlanTarget>): PlanTarget {
  return {
    service: "app",
    imageName: "proj-app",
    imageRef: "kiln.invalid/proj-app:kiln-0123456789ab",
    fingerprint: "0123456789ab",
    action: "build",
    cause: { code: "no-image" },
    dependsOn: [],
    missingBaseImages: [],
    context: "/p",
    ...over,
  };
}

describe("formatPlan", () => {
  it("renders the cause in words and says when the whole context is fingerprinted", () => {
    const plan: Plan = {
      project: "proj",
      files: [],
      mode: "bake",
      levels: [["app", "web"]],
      targets: [
        target({ reads: { whole: ["line 3: COPY . copies the whole context", "ONBUILD instruction"] } }),
        target({
          service: "web",
          action: "skip",
          cause: { code: "fresh" },
          reads: { sources: ["requirements.txt"], whole: [] },
        }),
      ],
    };
    const text = formatPlan(plan);
    expect(text).toContain("app      build: no image");
    expect(text).toContain(
      "fingerprints the whole context: line 3: COPY . copies the whole context (and 1 more)",
    );
    expect(text).toContain("web      skip: fresh");
    expect(text.match(/fingerprints the whole context/g)).toHaveLength(1);
  });
});
