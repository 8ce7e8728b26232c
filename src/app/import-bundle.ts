/**
 * `kiln bundle import`: unpack, check every member's sha256 against the manifest (nothing is
 * loaded from a damaged bundle), `docker load` the images, check their fingerprint labels,
 * then re-seed the cache mounts. No project is needed: the next `kiln bake` finds the images
 * fresh by their labels and pins them.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { KilnError } from "../core/errors.js";
import { LABEL } from "../core/image-ref.js";
import type { Ports } from "./ports.js";
import type { BundleManifest } from "../core/bundle/manifest.js";

export interface BundleImportOptions {
  env: NodeJS.ProcessEnv;
  context?: string;
  file: string;
  /** skip re-seeding the cache mounts */
  noCacheMounts?: boolean;
  signal?: AbortSignal;
  log: (line: string) => void;
}

export interface BundleImportReport {
  file: string;
  durationMs: number;
  manifest: BundleManifest;
  cachesSeeded: string[];
}

/** `ports`: the CLI's (its runtime.ts) or the library's (app/library-volumes.ts) */
export async function importBundle(
  options: BundleImportOptions,
  ports: Pick<Ports, "engine" | "builds" | "bundles">,
): Promise<BundleImportReport> {
  const started = Date.now();
  const client = await ports.builds.client();
  const engine = ports.engine;
  const bundles = ports.bundles;
  const work = mkdtempSync(path.join(os.tmpdir(), "kiln-bundle-"));
  try {
    await bundles.unpack(options.file, work).catch((error: unknown) => {
      throw new KilnError("ERR_KILN_BUNDLE", `cannot unpack ${options.file}`, {
        cause: error,
        hint: "is it a file made by `kiln bundle export`, copied completely?",
      });
    });
    const manifest = bundles.readManifest(work, options.file);
    if (!options.noCacheMounts && manifest.caches.length > 0) bundles.checkCacheMounts(client, "import");
    options.log(`kiln: checking ${1 + manifest.caches.length} member checksum(s)`);
    await bundles.verifyMembers(work, manifest, options.file);
    options.log(`kiln: loading ${manifest.services.length} image(s)`);
    await bundles.loadImages(client, path.join(work, manifest.images.path), options.signal);
    for (const s of manifest.services) {
      const img = await engine.imageInspect(s.image);
      if (!img || img.labels[LABEL.fingerprint] !== s.fingerprint) {
        throw new KilnError(
          "ERR_KILN_BUNDLE",
          `${s.image} from the bundle does not carry ${s.name}'s fingerprint`,
          {
            hint: "the bundle's images do not match its manifest; export it again",
          },
        );
      }
    }
    const seeded: string[] = [];
    if (!options.noCacheMounts) {
      for (const c of manifest.caches) {
        const image = manifest.services.find((s) => s.name === c.service)?.image;
        if (!image) continue;
        const t0 = Date.now();
        await bundles.importCacheMount(
          client,
          { id: c.id, ...(c.sharing ? { sharing: c.sharing } : {}), image, service: c.service },
          path.join(work, c.path),
          options.signal,
        );
        options.log(`kiln: re-seeded cache mount ${c.id} in ${Date.now() - t0} ms`);
        seeded.push(c.id);
      }
    }
    return { file: options.file, durationMs: Date.now() - started, manifest, cachesSeeded: seeded };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
