/** The plan's pull decision: a fingerprint the registry holds is pulled, not built. */
import { describe, expect, it } from "vitest";
import { planReason } from "../../../src/report/plan-reason.js";
import { buildSpec } from "../../helpers/build-spec.js";
import { makePlan, type ManifestLike } from "../../../src/core/plan/plan.js";
import type { ProjectModel, ServiceModel } from "../../../src/core/compose/model.js";

function svc(name: string): ServiceModel {
  return {
    name,
    imageName: `proj-${name}`,
    build: buildSpec(`/p/${name}`),
    environment: {},
    volumes: [],
    profiles: [],
    dependsOn: [],
    labels: {},
    source: {},
  };
}

const model = {
  name: "proj",
  projectDir: "/p",
  files: ["/p/compose.yaml"],
  envFiles: [],
  variant: "v2",
  profiles: [],
  services: [svc("base"), svc("app"), svc("web")],
  allServices: [svc("base"), svc("app"), svc("web")],
  volumes: {},
  extensions: {},
} as unknown as ProjectModel;

const fp = (c: string): string => c.repeat(64);
const manifests = new Map<string, ManifestLike>([
  ["base", { hash: fp("a"), dependsOnServices: {}, baseImages: {} }],
  ["app", { hash: fp("b"), dependsOnServices: { base: fp("a") }, baseImages: {} }],
  ["web", { hash: fp("c"), dependsOnServices: {}, baseImages: {} }],
]);
const registry = { name: "127.0.0.1:5000/team", fingerprints: new Set([fp("a"), fp("c")]) };

describe("makePlan with a registry", () => {
  it("pulls what the registry holds, builds the rest, and keeps fresh images", () => {
    const plan = makePlan({
      model,
      mode: "bake",
      selected: [],
      manifests,
      freshFingerprints: new Set([fp("c")]),
      changes: new Map(),
      registry,
    });
    expect(plan.targets.map((t) => [t.service, t.action, planReason(t)])).toEqual([
      ["base", "pull", "pull: fingerprint found in 127.0.0.1:5000/team"],
      ["app", "build", "build: no image"],
      ["web", "skip", "skip: fresh"],
    ]);
  });

  it("an unselected dependency held by the registry is pulled, not built", () => {
    const plan = makePlan({
      model,
      mode: "bake",
      selected: ["app"],
      manifests,
      freshFingerprints: new Set(),
      changes: new Map(),
      registry,
    });
    expect(withReason(plan, "base")).toMatchObject({
      action: "pull",
      reason: "pull: needed by app (fingerprint found in 127.0.0.1:5000/team)",
    });
  });

  it("rebuild and --no-cache never pull", () => {
    for (const over of [{ mode: "rebuild" as const }, { mode: "bake" as const, noCache: true }]) {
      const plan = makePlan({
        model,
        selected: [],
        manifests,
        freshFingerprints: new Set(),
        changes: new Map(),
        registry,
        ...over,
      });
      expect(plan.targets.every((t) => t.action === "build")).toBe(true);
    }
  });
});

function withReason(plan: { targets: PlanTargetLike[] }, service: string) {
  const t = plan.targets.find((x) => x.service === service);
  return t ? { ...t, reason: planReason(t) } : undefined;
}

type PlanTargetLike = Parameters<typeof planReason>[0] & { service: string };
