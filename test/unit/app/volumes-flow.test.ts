/**
 * The volume steps as use cases with fake ports (no Docker): what `up` creates before it starts
 * the project, and the labels `volumes import` gives a volume it creates. The engine knows
 * volumes in memory; the inventory is the real cache detection on the project loaded through the
 * io the use case passes; `ensure` is the real adapter, its volume transfer a recorder.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { upProject } from "../../../src/app/up.js";
import { ensureCacheVolumes, importCacheVolume, type VolumesRequest } from "../../../src/app/volumes.js";
import type { Ports } from "../../../src/app/ports.js";
import { loadProjectWith } from "../../../src/core/compose/load-project.js";
import { detectCaches } from "../../../src/core/volumes/detect.js";
import type { VolumeState } from "../../../src/core/volumes/warnings.js";
import type { VolumeInfo } from "../../../src/adapters/engine/engine-types.js";
import { nodeComposeIo } from "../../../src/adapters/compose-files.js";
import { ensureVolumes } from "../../../src/adapters/volumes/ensure.js";
import type { InventoryInput } from "../../../src/adapters/volumes/inventory.js";
import type { VolumeTransfer } from "../../../src/adapters/volumes/volume-transfer.js";
import { fakeWorld, shopProject, type FakeWorld } from "./fake-ports.js";

const COMPOSE = `services:
  api:
    build: ./api
    user: "1000:1000"
    volumes:
      - pip:/home/dev/.cache/pip
      - data:/data
  web:
    build: ./web
volumes:
  pip: {}
  data:
    external: true
    name: shop-data
`;

interface VolumeWorld {
  ports: Ports;
  /** the fake engine's volumes: name → labels */
  volumes: Map<string, Record<string, string>>;
  /** each inventory the use case asked for */
  inventories: InventoryInput[];
  /** each root owner the transfer set: [volume, uid:gid, mode] */
  roots: [string, string, number][];
  /** the labels each import was given for a volume it creates */
  imports: { name: string; labels: Record<string, string> | undefined }[];
}

/** the fake world with volumes: an engine that keeps them, the real ensure, a recording transfer */
function withVolumes(world: FakeWorld): VolumeWorld {
  const volumes = new Map<string, Record<string, string>>();
  const out: VolumeWorld = { ports: world.ports, volumes, inventories: [], roots: [], imports: [] };
  const info = (name: string): VolumeInfo | undefined => {
    const labels = volumes.get(name);
    return labels ? { name, driver: "local", mountpoint: `/fake/${name}`, labels } : undefined;
  };
  const transfer = {
    isPodman: async () => false,
    rootOf: async () => ({ uid: 0, gid: 0, mode: 0o755 }),
    setRoot: async (name: string, owner: { uid: number; gid: number }, mode: number) => {
      out.roots.push([name, `${owner.uid}:${owner.gid}`, mode]);
    },
  } as unknown as VolumeTransfer;
  out.ports = {
    ...world.ports,
    engine: {
      ...world.ports.engine,
      volumeInspect: async (name) => info(name),
      createVolume: async (name, labels) => {
        volumes.set(name, { ...labels });
        return info(name)!;
      },
    },
    volumeTransfer: () => transfer,
    volumes: {
      ...world.ports.volumes,
      inventory: async (input) => {
        out.inventories.push(input);
        const model = await loadProjectWith(input.root, {
          io: input.io ?? nodeComposeIo,
          env: input.env,
          cwd: input.projectDir,
        });
        const detection = detectCaches({ projects: [model] });
        const states: Record<string, VolumeState> = {};
        for (const g of detection.groups)
          for (const m of g.mounts) states[m.engineName] = { exists: volumes.has(m.engineName) };
        return { projects: [model], detection, states, report: { projects: [], volumes: [] } };
      },
      ensure: ensureVolumes,
      importTar: async (_file, name, options) => {
        out.imports.push({ name, labels: options.labels });
        return { entries: 1, bytes: 1, replaced: false };
      },
    },
  };
  return out;
}

let root: string;
let projectDir: string;
let env: NodeJS.ProcessEnv;
let vw: VolumeWorld;

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), "kiln-volumes-flow-"));
  projectDir = path.join(root, "shop");
  env = { ...shopProject(root, projectDir), KILN_LABELS: "kiln.test=run-1" };
  writeFileSync(path.join(projectDir, "compose.yaml"), COMPOSE);
  vw = withVolumes(fakeWorld());
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const globals = () => ({ projectDir, files: [], profiles: [], envFiles: [] });
const request = (): VolumesRequest => ({ globals: globals(), env });

describe("up's volume step with fake ports", () => {
  it("creates the cache owned by its user and the missing external volume as the user's, then starts", async () => {
    const report = await upProject(
      { globals: globals(), env, services: [], bake: false, volumes: true, jobs: 1 },
      vw.ports,
    );
    expect(report.volumesCreated).toEqual(["shop_pip", "shop-data"]);
    // the cache: kiln's (prunable), compose's own labels, the run's labels, root given to 1000:1000
    expect(vw.volumes.get("shop_pip")).toEqual({
      "kiln.test": "run-1",
      "kiln.managed": "true",
      "kiln.purpose": "pip",
      "com.docker.compose.project": "shop",
      "com.docker.compose.volume": "pip",
    });
    expect(vw.roots).toEqual([["shop_pip", "1000:1000", 0o755]]);
    // the external data volume: only the run's labels, never kiln.managed (#12.6)
    expect(vw.volumes.get("shop-data")).toEqual({ "kiln.test": "run-1" });
    // the inventory read the project through the run's files, not the disk again (#14.3)
    expect(vw.inventories).toHaveLength(1);
    expect(vw.inventories[0]?.io).toBeDefined();
    expect(vw.inventories[0]?.io).not.toBe(nodeComposeIo);
    expect(report.started).toEqual(["api", "web"]);
  });

  it("leaves existing volumes alone, and creates no external volume the started services do not mount", async () => {
    vw.volumes.set("shop_pip", { mine: "1" });
    const web = await upProject(
      { globals: globals(), env, services: ["web"], bake: false, volumes: true, jobs: 1 },
      vw.ports,
    );
    expect(web.volumesCreated).toEqual([]);
    expect(vw.volumes.has("shop-data")).toBe(false);
    expect(vw.volumes.get("shop_pip")).toEqual({ mine: "1" });
    // an existing cache still gets its owner (its root is 0:0 on the fake engine)
    expect(vw.roots).toEqual([["shop_pip", "1000:1000", 0o755]]);
  });

  it("--no-volumes asks for no inventory and creates nothing", async () => {
    const report = await upProject(
      { globals: globals(), env, services: [], bake: false, volumes: false, jobs: 1 },
      vw.ports,
    );
    expect(report.volumesCreated).toEqual([]);
    expect(vw.inventories).toEqual([]);
    expect(vw.volumes.size).toBe(0);
  });
});

describe("volumes use cases with fake ports", () => {
  it("ensure --owner gives every cache that owner; a malformed --owner is a usage error before anything", async () => {
    const actions = await ensureCacheVolumes(request(), vw.ports, { owner: "2000:3000", recursive: false });
    expect(actions).toEqual([
      { name: "shop_pip", purpose: "pip", created: true, owner: "2000:3000", currentOwner: "2000:3000" },
    ]);
    expect(vw.roots).toEqual([["shop_pip", "2000:3000", 0o755]]);
    await expect(
      ensureCacheVolumes(request(), vw.ports, { owner: "dev", recursive: false }),
    ).rejects.toMatchObject({ code: "ERR_KILN_USAGE" });
    expect(vw.inventories).toHaveLength(1);
  });

  it("import labels a volume the project mounts as a cache as kiln's, any other as the user's", async () => {
    const progress = () => ({ add: () => undefined, done: () => undefined });
    await importCacheVolume(request(), vw.ports, { file: "a.tar", name: "shop_pip", force: false, progress });
    await importCacheVolume(request(), vw.ports, {
      file: "b.tar",
      name: "shop-data",
      force: false,
      progress,
    });
    expect(vw.imports).toEqual([
      {
        name: "shop_pip",
        labels: {
          "kiln.test": "run-1",
          "kiln.managed": "true",
          "kiln.purpose": "pip",
          "com.docker.compose.project": "shop",
          "com.docker.compose.volume": "pip",
        },
      },
      { name: "shop-data", labels: { "kiln.test": "run-1" } },
    ]);
  });
});
