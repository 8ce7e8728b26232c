/**
 * `kiln bundle export` / `import` through their ports (#14.2), without Docker: export saves the
 * baked images of the current fingerprints and packs a manifest that names them; import of a
 * damaged bundle loads nothing.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bakeProject } from "../../../src/app/bake-project.js";
import { exportBundle } from "../../../src/app/export-bundle.js";
import { importBundle } from "../../../src/app/import-bundle.js";
import type { BundlePort, Ports } from "../../../src/app/ports.js";
import { KilnError } from "../../../src/core/errors.js";
import { MANIFEST_FILE, type BundleManifest } from "../../../src/core/bundle/manifest.js";
import { buildAll, fakeWorld, shopProject, type FakeWorld } from "./fake-ports.js";

let root: string;
let projectDir: string;
let env: NodeJS.ProcessEnv;
let world: FakeWorld;
/** each bundle-port call, by name, with its arguments */
let calls: [string, unknown[]][];

/** the real bundle port, recording its calls; save/load/pack/unpack replaced by files of our own */
function recordingBundles(real: BundlePort): BundlePort {
  const note =
    <A extends unknown[], R>(name: string, fn: (...args: A) => R) =>
    (...args: A): R => {
      calls.push([name, args]);
      return fn(...args);
    };
  return {
    ...real,
    saveImages: note("saveImages", async (_client, refs, file) => writeFileSync(file, refs.join("\n"))),
    loadImages: note("loadImages", async () => undefined),
    pack: note("pack", async (dir, _members, file) =>
      writeFileSync(file, readFileSync(path.join(dir, MANIFEST_FILE))),
    ),
    unpack: note("unpack", async (file, dir) =>
      writeFileSync(path.join(dir, MANIFEST_FILE), readFileSync(file)),
    ),
    verifyMembers: note("verifyMembers", real.verifyMembers),
  };
}

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), "kiln-bundle-flow-"));
  projectDir = path.join(root, "shop");
  env = shopProject(root, projectDir);
  world = fakeWorld();
  calls = [];
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function ports(): Ports {
  return { ...world.ports, bundles: recordingBundles(world.ports.bundles) };
}

const globals = () => ({ projectDir, files: [], profiles: [], envFiles: [] });

describe("bundles through the bundle port", () => {
  it("export saves the baked images and packs a manifest naming them", async () => {
    const built = await bakeProject(buildAll(globals(), env), world.ports);
    const images = built.results.map((r) => r.image).sort();
    const file = path.join(root, "shop.kiln");
    const report = await exportBundle(
      { globals: globals(), env, file, services: [], cacheMounts: false, log: () => undefined },
      ports(),
    );
    const saved = calls.find(([name]) => name === "saveImages")?.[1][1] as string[];
    expect([...saved].sort()).toEqual(images);
    expect(calls.map(([name]) => name)).toEqual(["saveImages", "pack"]);
    const manifest = JSON.parse(readFileSync(file, "utf8")) as BundleManifest;
    expect(manifest.services.map((s) => s.image).sort()).toEqual(images);
    expect(report.manifest.images.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("export refuses services not baked for their current fingerprints, and saves nothing", async () => {
    await expect(
      exportBundle(
        {
          globals: globals(),
          env,
          file: path.join(root, "x.kiln"),
          services: [],
          cacheMounts: false,
          log: () => undefined,
        },
        ports(),
      ),
    ).rejects.toMatchObject({ code: "ERR_KILN_BUNDLE" });
    expect(calls).toEqual([]);
  });

  it("import of a damaged bundle loads nothing", async () => {
    const manifest: BundleManifest = {
      kind: "kiln-bundle",
      version: 1,
      project: "shop",
      createdAt: "2026-12-06T00:00:00Z",
      services: [
        { name: "api", image: "kiln.invalid/shop-api:kiln-000000000000", fingerprint: "0".repeat(64) },
      ],
      images: { path: "images.tar", sha256: "f".repeat(64), size: 1 },
      caches: [],
    };
    const file = path.join(root, "damaged.kiln");
    writeFileSync(file, JSON.stringify(manifest));
    const failed = importBundle({ env, file, log: () => undefined }, ports());
    await expect(failed).rejects.toBeInstanceOf(KilnError);
    await expect(failed).rejects.toMatchObject({ code: "ERR_KILN_BUNDLE" });
    expect(calls.map(([name]) => name)).toEqual(["unpack", "verifyMembers"]);
  });
});
