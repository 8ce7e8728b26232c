/**
 * `pull` and `push` as use cases with a fake registry port (no Docker, no registry): what is
 * asked, what is pulled onto the fake engine under kiln's local name, what is reported.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bakeProject } from "../../../src/app/bake-project.js";
import type { RegistryPort } from "../../../src/app/ports.js";
import { pullProject } from "../../../src/app/pull.js";
import { pushProject } from "../../../src/app/push.js";
import { LABEL } from "../../../src/core/image-ref.js";
import { formatRegistry, registryRef } from "../../../src/core/registry/registry-ref.js";
import { buildAll, fakeWorld, shopProject, type FakeWorld } from "./fake-ports.js";

let root: string;
let projectDir: string;
let env: NodeJS.ProcessEnv;
let world: FakeWorld;
/** fingerprint → service: what the fake registry holds */
let held: Map<string, string>;
let asked: string[];
let pulled: string[];
let pushed: string[];

function fakeRegistry(): RegistryPort {
  return {
    open: (location) => ({
      name: formatRegistry(location),
      location,
      tagImage: async () => undefined,
      tags: async () => [],
    }),
    lookup: async (client, service, fingerprint) => {
      asked.push(service);
      const ref = registryRef(client.location, service, fingerprint);
      return held.get(fingerprint) === service
        ? { state: "found", ref, digest: "sha256:d" }
        : { state: "absent", ref };
    },
    lookupAll: async (client, wanted) => {
      const out = new Map();
      for (const w of wanted)
        out.set(w.service, await fakeRegistry().lookup(client, w.service, w.fingerprint));
      return out;
    },
    // as the real one: the image lands on the engine under kiln's local, content-tagged name
    pull: async (target) => {
      pulled.push(target.service);
      world.images.push({
        id: `sha256:pulled-${target.service}`,
        repoTags: [target.imageRef],
        labels: { [LABEL.fingerprint]: target.fingerprint, [LABEL.service]: target.service },
        created: "2026-02-01T00:00:00Z",
        size: 7,
      });
      return `sha256:pulled-${target.service}`;
    },
    push: async (target, options) => {
      pushed.push(target.service);
      held.set(target.fingerprint, target.service);
      return registryRef(options.registry, target.service, target.fingerprint);
    },
  };
}

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), "kiln-registry-flow-"));
  projectDir = path.join(root, "shop");
  env = shopProject(root, projectDir);
  world = fakeWorld();
  held = new Map();
  asked = [];
  pulled = [];
  pushed = [];
  world.ports.registry = fakeRegistry();
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const globals = () => ({ projectDir, files: [], profiles: [], envFiles: [] });
const registry = "localhost:5999/team";

describe("push and pull with a fake registry port", () => {
  it("push sends each baked service once; pull on an empty engine fetches them instead of building", async () => {
    await bakeProject(buildAll(globals(), env), world.ports);
    const first = await pushProject({ globals: globals(), env, services: [], registry }, world.ports);
    expect(first.registry).toBe(registry);
    expect(first.services.map((s) => [s.name, s.state])).toEqual([
      ["api", "pushed"],
      ["web", "pushed"],
    ]);
    const again = await pushProject({ globals: globals(), env, services: [], registry }, world.ports);
    expect(again.services.map((s) => s.state)).toEqual(["present", "present"]);
    expect(pushed).toEqual(["api", "web"]);

    // another machine: the same project, an engine with none of kiln's images
    const other = fakeWorld();
    world.images.splice(0, world.images.length, ...other.images);
    const report = await pullProject({ globals: globals(), env, services: [], registry }, world.ports);
    expect(report.services.map((s) => [s.name, s.state])).toEqual([
      ["api", "pulled"],
      ["web", "pulled"],
    ]);
    expect(pulled).toEqual(["api", "web"]);
    expect(world.finished.filter((o) => o.action === "pulled").map((o) => o.service)).toEqual(["api", "web"]);
    const present = await pullProject({ globals: globals(), env, services: [], registry }, world.ports);
    expect(present.services.map((s) => s.state)).toEqual(["present", "present"]);
    expect(pulled).toEqual(["api", "web"]);
  });

  it("pull reports a service the registry does not hold as missing, and pulls nothing for it", async () => {
    const report = await pullProject({ globals: globals(), env, services: ["web"], registry }, world.ports);
    expect(report.services).toEqual([
      {
        name: "web",
        image: expect.stringContaining("kiln-") as string,
        state: "missing",
        reason: expect.stringContaining(`in ${registry}`) as string,
      },
    ]);
    expect(pulled).toEqual([]);
    expect(asked.sort()).toEqual(["api", "web"]);
  });
});
