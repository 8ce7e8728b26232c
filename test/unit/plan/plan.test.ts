/** The plan as a pure value: decisions, reasons, order — no Docker. */
import { describe, expect, it } from "vitest";
import { planReason } from "../../../src/report/plan-reason.js";
import { makePlan, type ManifestLike, type PlanInput } from "../../../src/core/plan/plan.js";
import { contentRef, imageRepo, imageTag, registryHost } from "../../../src/core/image-ref.js";
import type { BuildSpec, ProjectModel, ServiceModel } from "../../../src/core/compose/model.js";
import { buildSpec } from "../../helpers/build-spec.js";

const build = (context: string): BuildSpec => buildSpec(context, { dockerfile: `${context}/Dockerfile` });

function svc(name: string, withBuild = true): ServiceModel {
  return {
    name,
    imageName: `proj-${name}`,
    ...(withBuild ? { build: build(`/p/${name}`) } : {}),
    environment: {},
    volumes: [],
    profiles: [],
    dependsOn: [],
    labels: {},
    source: {},
  };
}

function model(services: ServiceModel[]): ProjectModel {
  return {
    name: "proj",
    projectDir: "/p",
    files: ["/p/compose.yaml"],
    envFiles: [],
    variant: "v2",
    profiles: [],
    services,
    allServices: services,
    volumes: {},
    extensions: {},
  };
}

const fp = (c: string): string => c.repeat(64);

function input(over: Partial<PlanInput> = {}): PlanInput {
  const manifests = new Map<string, ManifestLike>([
    [
      "api",
      { hash: fp("a"), dependsOnServices: {}, baseImages: { "kiln-local/busybox:latest": "sha256:1" } },
    ],
    ["web", { hash: fp("b"), dependsOnServices: { api: fp("a") }, baseImages: { "python:3.11-slim": null } }],
  ]);
  return {
    model: model([svc("api"), svc("web"), svc("db", false)]),
    mode: "bake",
    selected: [],
    manifests,
    freshFingerprints: new Set(),
    changes: new Map(),
    ...over,
  };
}

describe("makePlan", () => {
  it("builds what has no image, in dependency order, naming non-local bases", () => {
    const plan = makePlan(input());
    expect(plan.targets.map((t) => [t.service, t.action, planReason(t)])).toEqual([
      ["api", "build", "build: no image"],
      ["web", "build", "build: no image"],
    ]);
    expect(plan.levels).toEqual([["api"], ["web"]]);
    expect(plan.targets[1]?.missingBaseImages).toEqual(["python:3.11-slim"]);
    expect(plan.targets[0]?.imageRef).toBe(`kiln.invalid/proj-api:kiln-${"a".repeat(12)}`);
  });

  it("skips fresh services and says what changed for stale ones", () => {
    const plan = makePlan(
      input({
        freshFingerprints: new Set([fp("a")]),
        changes: new Map([
          [
            "web",
            [
              { kind: "sources", paths: ["app.py"] },
              { kind: "arg", name: "X", change: "changed" },
            ],
          ],
        ]),
      }),
    );
    expect(plan.targets.map((t) => planReason(t))).toEqual([
      "skip: fresh",
      "build: sources changed (app.py); arg X changed",
    ]);
    expect(plan.targets.map((t) => t.cause.code)).toEqual(["fresh", "sources-changed"]);
  });

  it("a selected service pulls in a stale service it is built FROM", () => {
    const plan = makePlan(input({ selected: ["web"] }));
    expect(withReason(plan, "api")).toMatchObject({
      action: "build",
      reason: "build: needed by web (no image)",
    });
    const fresh = makePlan(input({ selected: ["api"], freshFingerprints: new Set([fp("b")]) }));
    expect(reasonOf(fresh, "web")).toBe("skip: not selected (fresh)");
  });

  it("rebuild and --no-cache build even fresh services", () => {
    const fresh = new Set([fp("a"), fp("b")]);
    expect(
      makePlan(input({ mode: "rebuild", freshFingerprints: fresh })).targets.every(
        (t) => t.action === "build",
      ),
    ).toBe(true);
    expect(
      makePlan(input({ noCache: true, freshFingerprints: fresh })).targets.map((t) => planReason(t))[0],
    ).toBe("build: --no-cache requested");
  });

  it("refuses unknown and pull-only services with hints", () => {
    expect(() => makePlan(input({ selected: ["nope"] }))).toThrow(
      expect.objectContaining({ code: "ERR_KILN_UNKNOWN_SERVICE" }) as Error,
    );
    expect(() => makePlan(input({ selected: ["db"] }))).toThrow(
      expect.objectContaining({ code: "ERR_KILN_NOT_BUILDABLE" }) as Error,
    );
  });

  it("detects services built FROM each other in a cycle", () => {
    const manifests = new Map<string, ManifestLike>([
      ["api", { hash: fp("a"), dependsOnServices: { web: fp("b") }, baseImages: {} }],
      ["web", { hash: fp("b"), dependsOnServices: { api: fp("a") }, baseImages: {} }],
    ]);
    expect(() => makePlan(input({ manifests }))).toThrow(/cycle/);
  });
});

describe("image references", () => {
  it("splits repo and tag, registry ports included", () => {
    expect(imageRepo("registry:5000/team/app:1.2")).toBe("registry:5000/team/app");
    expect(imageTag("registry:5000/team/app")).toBe("latest");
    expect(imageRepo("app@sha256:abc")).toBe("app");
  });

  it("pins registry-less names under the reserved kiln.invalid host, keeps a named registry", () => {
    expect(registryHost("team/app")).toBeUndefined();
    expect(registryHost("ghcr.io/team/app")).toBe("ghcr.io");
    expect(contentRef("dukat-devcontainer:latest", fp("c"))).toBe(
      `kiln.invalid/dukat-devcontainer:kiln-${"c".repeat(12)}`,
    );
    expect(contentRef("127.0.0.1:5000/x/app", fp("c"))).toBe(`127.0.0.1:5000/x/app:kiln-${"c".repeat(12)}`);
  });
});

describe("devcontainer scope (runServices)", () => {
  function dcInput(runServices: string[] | undefined, over: Partial<PlanInput> = {}): PlanInput {
    const base = input(over);
    const worker = svc("worker");
    const api = { ...svc("api"), dependsOn: ["db"] };
    const web = { ...svc("web"), startsWith: ["api"] };
    const services = [api, web, svc("db", false), worker];
    const manifests = new Map(base.manifests);
    manifests.set("worker", { hash: fp("c"), dependsOnServices: {}, baseImages: {} });
    return {
      ...base,
      manifests,
      model: {
        ...model(services),
        devcontainer: {
          configPath: "/p/.devcontainer/devcontainer.json",
          workspaceFolder: "/p",
          composeFiles: ["/p/compose.yaml"],
          config: {},
          service: "web",
          ...(runServices ? { runServices } : {}),
        },
      },
    };
  }

  it("builds service + runServices + what compose starts with them, and says why the others are skipped", () => {
    const plan = makePlan(dcInput(["db"]));
    const by = Object.fromEntries(plan.targets.map((t) => [t.service, t]));
    expect(by.web?.action).toBe("build");
    expect(by.api?.action).toBe("build"); // web starts with api (links / network_mode)
    expect(by.worker?.action).toBe("skip");
    expect(planReason(by.worker)).toMatch(/^skip: not started by the devcontainer .*--all/);
  });

  it("without runServices the CLI starts every service: all are built", () => {
    const plan = makePlan(dcInput(undefined));
    expect(plan.targets.every((t) => t.action === "build")).toBe(true);
  });

  it("--all and names on the command line widen the scope", () => {
    expect(makePlan(dcInput(["db"], { all: true })).targets.every((t) => t.action === "build")).toBe(true);
    const named = makePlan(dcInput(["db"], { selected: ["worker"] }));
    expect(named.targets.find((t) => t.service === "worker")?.action).toBe("build");
    expect(reasonOf(named, "web")).toBe("skip: not selected");
  });
});

function withReason(plan: { targets: PlanTargetLike[] }, service: string) {
  const t = plan.targets.find((x) => x.service === service);
  return t ? { ...t, reason: planReason(t) } : undefined;
}

function reasonOf(plan: { targets: PlanTargetLike[] }, service: string): string | undefined {
  const t = plan.targets.find((x) => x.service === service);
  return t ? planReason(t) : undefined;
}

type PlanTargetLike = Parameters<typeof planReason>[0] & { service: string };
