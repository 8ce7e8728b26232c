/**
 * The bake use case end to end with fake ports (no Docker): plan → build → content tag → history
 * → pin, on a real project in a temp dir. The fake build client records what it was asked to
 * build, so a flow that builds too much, too little, or pins a failed build fails here.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { bakeProject, type BakeOptions } from "../../../src/app/bake-project.js";
import { journalPath } from "../../../src/adapters/state/journal.js";
import { projectStateDir } from "../../../src/adapters/state/state-dir.js";
import { HistoryStore } from "../../../src/adapters/history/history-store.js";
import { fakeWorld, SHOP_COMPOSE, shopProject, type FakeWorld } from "./fake-ports.js";

// A power cut between writing the journal and replacing the first file, without killing the
// test process: the armed point throws once instead of SIGKILL.
const faults = vi.hoisted(() => ({ armed: undefined as string | undefined }));
vi.mock("../../../src/adapters/state/fault-points.js", () => ({
  hitFault: (point: string) => {
    if (faults.armed !== point) return;
    faults.armed = undefined;
    throw new Error(`simulated crash at ${point}`);
  },
}));

let root: string;
let projectDir: string;
let env: NodeJS.ProcessEnv;
let world: FakeWorld;

const COMPOSE = SHOP_COMPOSE;

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), "kiln-bake-flow-"));
  projectDir = path.join(root, "shop");
  env = shopProject(root, projectDir);
  world = fakeWorld();
  faults.armed = undefined;
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function bake(overrides: Partial<BakeOptions> = {}) {
  return bakeProject(
    {
      globals: { projectDir, files: [], profiles: [], envFiles: [] },
      env,
      mode: "bake",
      services: [],
      dryRun: false,
      jobs: 2,
      noCache: false,
      pull: false,
      purgeCaches: false,
      ...overrides,
    },
    world.ports,
  );
}

/** from now on, the fake engine's image lists (their labels) and inspects (their refs) */
function engineCalls(): { lists: string[][]; inspects: string[] } {
  const calls = { lists: [] as string[][], inspects: [] as string[] };
  const engine = world.ports.engine;
  const listImages = engine.listImages.bind(engine);
  const imageInspect = engine.imageInspect.bind(engine);
  engine.listImages = (labels) => (calls.lists.push(labels), listImages(labels));
  engine.imageInspect = (ref) => (calls.inspects.push(ref), imageInspect(ref));
  return calls;
}

const composeText = (): string => readFileSync(path.join(projectDir, "compose.yaml"), "utf8");
const built = (): string[] => world.builds.map((b) => b.service).sort();

describe("bake with fake ports", () => {
  it("builds what has no image, tags it with its fingerprint, and pins the compose file to it", async () => {
    const report = await bake();
    expect(built()).toEqual(["api", "web"]);
    const api = world.builds.find((b) => b.service === "api")!.request;
    const target = report.plan.targets.find((t) => t.service === "api")!;
    expect(api.labels["kiln.fingerprint"]).toBe(target.fingerprint);
    expect(api.tags).toContain(target.imageRef);
    expect(report.results.map((r) => [r.service, r.action])).toEqual([
      ["api", "built"],
      ["web", "built"],
    ]);
    expect(report.pins?.pinned.sort()).toEqual(["api", "web"]);
    expect(composeText()).toContain(`image: ${target.imageRef}`);
    expect(composeText()).not.toContain("build:");
    expect(world.finished.map((o) => o.action)).toEqual(["built", "built"]);
  });

  it("after building every service, inspects the new images instead of listing all of kiln's", async () => {
    const { lists, inspects } = engineCalls();
    const report = await bake();
    expect(lists).toHaveLength(1); // the plan's
    const ids = report.results.map((r) => r.imageId);
    expect(inspects.filter((r) => ids.includes(r)).sort()).toEqual([...ids].sort());
    // the summary's sizes are the built images'
    expect(Object.values(report.summary?.imageSizes ?? {}).sort()).toEqual([1001, 1002]);
    // a run that skips a service lists again (the list also sees a skipped image that went away)
    writeFileSync(path.join(projectDir, "api", "main.txt"), "api v2\n");
    lists.length = 0;
    await bake();
    expect(lists).toHaveLength(2);
  });

  it("finds the images of a bake with nothing to do by the pin when the last build was another", async () => {
    await bake();
    writeFileSync(path.join(projectDir, "api", "main.txt"), "api v2\n");
    await bake(); // builds api v2: its last build
    writeFileSync(path.join(projectDir, "api", "main.txt"), "api v1\n");
    const back = await bake(); // back to v1: its image is there, the pin moves to it
    expect(back.results.map((r) => r.action)).toEqual(["skipped", "skipped"]);
    const { lists } = engineCalls();
    const again = await bake();
    expect(again.results.map((r) => r.action)).toEqual(["skipped", "skipped"]);
    expect(lists).toEqual([]);
  });

  it("skips a fresh service without calling the build client", async () => {
    await bake();
    world.builds.length = 0;
    const pinnedBefore = composeText();
    // nothing to do: the images the last builds made are inspected by ref, nothing is listed
    const { lists, inspects } = engineCalls();
    const report = await bake();
    expect(lists).toEqual([]);
    expect(inspects).toEqual(expect.arrayContaining(report.plan.targets.map((t) => t.imageRef)));
    expect(world.builds).toEqual([]);
    expect(report.results.map((r) => r.action)).toEqual(["skipped", "skipped"]);
    expect(report.plan.targets.map((t) => t.cause.code)).toEqual(["fresh", "fresh"]);
    expect(composeText()).toBe(pinnedBefore);
  });

  it("builds only the stale service and moves its pin to the new image", async () => {
    const first = await bake();
    const oldApi = first.plan.targets.find((t) => t.service === "api")!.imageRef;
    const web = first.plan.targets.find((t) => t.service === "web")!.imageRef;
    writeFileSync(path.join(projectDir, "api", "main.txt"), "api v2\n");
    world.builds.length = 0;
    const second = await bake();
    expect(built()).toEqual(["api"]);
    const newApi = second.plan.targets.find((t) => t.service === "api")!;
    expect(newApi.cause.code).toBe("sources-changed");
    expect(newApi.imageRef).not.toBe(oldApi);
    expect(second.pins?.pinned).toEqual(["api"]);
    expect(composeText()).toContain(`image: ${newApi.imageRef}`);
    expect(composeText()).not.toContain(oldApi);
    expect(composeText()).toContain(`image: ${web}`);
  });

  it("a dry run compares a stale service with its last build while the engine lists the images", async () => {
    await bake();
    writeFileSync(path.join(projectDir, "api", "main.txt"), "api v2\n");
    const engine = world.ports.engine;
    const listImages = engine.listImages.bind(engine);
    const asked = vi.fn();
    const answered = vi.fn();
    // an engine slow to list (many images): the answer comes 30 ms after the question
    engine.listImages = async (labels) => {
      asked();
      await new Promise((resolve) => setTimeout(resolve, 30));
      answered();
      return listImages(labels);
    };
    const read = vi.spyOn(HistoryStore.prototype, "manifest");
    const report = await bake({ dryRun: true });
    const [readAt] = read.mock.invocationCallOrder;
    read.mockRestore();
    // the last build's manifest is read (and compared) after the list is asked for, before it answers
    expect(asked.mock.invocationCallOrder[0]).toBeLessThan(readAt);
    expect(readAt).toBeLessThan(answered.mock.invocationCallOrder[0]);
    const api = report.plan.targets.find((t) => t.service === "api")!;
    expect(api.cause.code).toBe("sources-changed");
  });

  it("a bake compares a stale service with its last build once the build is started, before its result", async () => {
    await bake();
    writeFileSync(path.join(projectDir, "api", "main.txt"), "api v2\n");
    const build = world.ports.builds.build;
    const started = vi.fn();
    const finished = vi.fn();
    world.ports.builds.build = (client, request, options) => {
      started();
      const outcome = build(client, request, options);
      void outcome.then(finished, () => undefined);
      return outcome;
    };
    const read = vi.spyOn(HistoryStore.prototype, "manifest");
    const report = await bake();
    const [readAt] = read.mock.invocationCallOrder;
    read.mockRestore();
    expect(built()).toEqual(["api", "api", "web"]);
    expect(started.mock.invocationCallOrder[0]).toBeLessThan(readAt);
    expect(readAt).toBeLessThan(finished.mock.invocationCallOrder[0]);
    const api = report.plan.targets.find((t) => t.service === "api")!;
    expect(api.cause.code).toBe("sources-changed");
    expect(api.cause.changes?.[0]).toMatchObject({ kind: "sources" });
    expect(report.results.find((r) => r.service === "api")!.reason).toMatch(/main\.txt/);
  });

  it("asks for the image list before the walk when a build arg is not the last build's", async () => {
    const withArg = COMPOSE.replace(
      "    build: ./api\n",
      '    build:\n      context: ./api\n      args: { V: "${V:-1}" }\n',
    );
    writeFileSync(path.join(projectDir, "compose.yaml"), withArg);
    await bake();
    const order: string[] = [];
    const engine = world.ports.engine;
    const listImages = engine.listImages.bind(engine);
    engine.listImages = (labels) => (order.push("list"), listImages(labels));
    const services = world.ports.fingerprints.services.bind(world.ports.fingerprints);
    world.ports.fingerprints.services = (inputs, deps) => (order.push("walk"), services(inputs, deps));
    env = { ...env, V: "2" };
    const changed = await bake();
    expect(changed.plan.targets.find((t) => t.service === "api")!.cause.code).toBe("args-changed");
    expect(order.slice(0, 2)).toEqual(["list", "walk"]);
    // nothing to do with V=2 now: nothing listed, before the walk or after
    order.length = 0;
    await bake();
    expect(order).toEqual(["walk"]);
    // back to V=1, whose image is there: found by the list, and from then on expected again
    env = { ...env, V: "1" };
    const back = await bake();
    expect(back.results.map((r) => r.action)).toEqual(["skipped", "skipped"]);
    order.length = 0;
    await bake();
    expect(order).toEqual(["walk"]);
  });

  it("writes the manifests of what it builds while the builds run", async () => {
    const fingerprints = path.join(projectStateDir(projectDir, env), "fingerprints");
    const seen: Record<string, boolean> = {};
    const build = world.ports.builds.build;
    world.ports.builds.build = async (client, request, options) => {
      options?.onEvent?.({ type: "context", bytes: 1 });
      // the build runs on: the engine's answer takes a few turns of the event loop
      for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
      const fingerprint = request.labels["kiln.fingerprint"];
      seen[request.labels["kiln.service"]] = existsSync(path.join(fingerprints, `${fingerprint}.json`));
      return build(client, request, options);
    };
    const report = await bake();
    expect(report.results.map((r) => r.action)).toEqual(["built", "built"]);
    expect(seen).toEqual({ api: true, web: true });
  });

  it("pins the services that built when another one fails, and leaves the failed one's build:", async () => {
    world.failing.add("web");
    const report = await bake();
    expect(built()).toEqual(["api", "web"]);
    const byService = Object.fromEntries(report.results.map((r) => [r.service, r]));
    expect(byService.web.action).toBe("failed");
    expect(byService.web.error?.code).toBe("ERR_KILN_BUILD_FAILED");
    expect(byService.api.action).toBe("built");
    expect(report.pins?.pinned).toEqual(["api"]);
    const text = composeText();
    expect(text).toContain(`image: ${report.plan.targets.find((t) => t.service === "api")!.imageRef}`);
    expect(text).toMatch(/web:\n\s+build:\n\s+context: \.\/web/);
  });

  it("build mode builds and tags but pins nothing", async () => {
    const report = await bake({ mode: "build" });
    expect(built()).toEqual(["api", "web"]);
    expect(report.pins).toBeUndefined();
    expect(composeText()).toBe(COMPOSE);
  });

  it("completes a pin a crash interrupted before planning again, and builds nothing twice", async () => {
    faults.armed = "between-renames";
    await expect(bake()).rejects.toThrow("simulated crash at between-renames");
    const stateDir = projectStateDir(projectDir, env);
    // the crash left the journal and the compose file unchanged
    expect(existsSync(journalPath(stateDir))).toBe(true);
    expect(composeText()).toBe(COMPOSE);
    expect(built()).toEqual(["api", "web"]);

    world.builds.length = 0;
    const report = await bake();
    expect(world.log.some((l) => l.startsWith("kiln: completed an interrupted change"))).toBe(true);
    expect(existsSync(journalPath(stateDir))).toBe(false);
    expect(world.builds).toEqual([]);
    expect(report.results.map((r) => r.action)).toEqual(["skipped", "skipped"]);
    for (const t of report.plan.targets) expect(composeText()).toContain(`image: ${t.imageRef}`);
  });

  it("--dry-run plans without building or writing", async () => {
    const report = await bake({ dryRun: true });
    expect(world.builds).toEqual([]);
    expect(report.plan.targets.map((t) => [t.service, t.action, t.cause.code])).toEqual([
      ["api", "build", "no-image"],
      ["web", "build", "no-image"],
    ]);
    expect(composeText()).toBe(COMPOSE);
  });
});
