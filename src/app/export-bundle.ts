/**
 * `kiln bundle export`: the baked images of the current fingerprints (and optionally the
 * contents of their cache mounts) in one checksummed tar, for air-gapped machines and CI caches.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { ProjectRequest } from "./request.js";
import { KilnError } from "../core/errors.js";
import { planProject, type PlanPorts } from "./plan-project.js";
import { isFresh } from "../core/plan/plan.js";
import { BUNDLE_KIND, MANIFEST_FILE, type BundleManifest } from "../core/bundle/manifest.js";
import type { Ports } from "./ports.js";
import { formatBytes } from "../report/format-bytes.js";

export interface BundleExportOptions {
  globals: ProjectRequest;
  env: NodeJS.ProcessEnv;
  file: string;
  services: string[];
  cacheMounts: boolean;
  signal?: AbortSignal;
  log: (line: string) => void;
}

export interface BundleExportReport {
  file: string;
  size: number;
  durationMs: number;
  manifest: BundleManifest;
}

/** `ports`: the CLI's (its runtime.ts) or the library's (app/library-volumes.ts) */
export async function exportBundle(
  options: BundleExportOptions,
  ports: PlanPorts & Pick<Ports, "bundles">,
): Promise<BundleExportReport> {
  const bundles = ports.bundles;
  const started = Date.now();
  const planned = await planProject(
    {
      globals: options.globals,
      env: options.env,
      mode: "build",
      services: options.services,
      noCache: false,
      noRegistry: true,
    },
    ports,
  );
  const wanted = planned.plan.targets.filter(
    (t) => options.services.length === 0 || options.services.includes(t.service),
  );
  const unbaked = wanted.filter((t) => !isFresh(t));
  if (unbaked.length > 0) {
    throw new KilnError(
      "ERR_KILN_BUNDLE",
      `not baked for their current fingerprints: ${unbaked.map((t) => t.service).join(", ")}`,
      { hint: `run \`kiln bake ${unbaked.map((t) => t.service).join(" ")}\` first, then export again` },
    );
  }
  const client = await ports.builds.client();
  if (options.cacheMounts) bundles.checkCacheMounts(client, "export");
  const work = mkdtempSync(path.join(path.dirname(path.resolve(options.file)), ".kiln-bundle-"));
  try {
    const refs = wanted.map((t) => t.imageRef);
    options.log(`kiln: saving ${refs.length} image(s): ${refs.join(", ")}`);
    const images = path.join(work, "images.tar");
    await bundles.saveImages(client, refs, images, options.signal);
    const imagesSize = statSync(images).size;
    options.log(`kiln: images ${formatBytes(imagesSize)}, checksumming`);
    const manifest: BundleManifest = {
      kind: BUNDLE_KIND,
      version: 1,
      project: planned.project.model.name,
      createdAt: new Date().toISOString(),
      services: wanted.map((t) => ({ name: t.service, image: t.imageRef, fingerprint: t.fingerprint })),
      images: { path: "images.tar", sha256: await bundles.sha256(images), size: imagesSize },
      caches: [],
    };
    if (options.cacheMounts) {
      const mounts = bundles.cacheMounts(
        planned.project.model,
        wanted.map((t) => ({ service: t.service, imageRef: t.imageRef })),
      );
      for (const [i, c] of mounts.entries()) {
        const rel = path.join("caches", String(i), "cache.tar");
        mkdirSync(path.join(work, "caches", String(i)), { recursive: true });
        const t0 = Date.now();
        const size = await bundles.exportCacheMount(client, c, path.join(work, rel), options.signal);
        options.log(
          `kiln: cache mount ${c.id} (${c.service}): ${formatBytes(size)} in ${Date.now() - t0} ms`,
        );
        manifest.caches.push({
          path: rel,
          sha256: await bundles.sha256(path.join(work, rel)),
          size,
          id: c.id,
          ...(c.sharing ? { sharing: c.sharing } : {}),
          service: c.service,
        });
      }
    }
    writeFileSync(path.join(work, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    const members = [MANIFEST_FILE, "images.tar", ...(manifest.caches.length > 0 ? ["caches"] : [])];
    const tmp = `${options.file}.kiln-tmp`;
    await bundles.pack(work, members, tmp);
    renameSync(tmp, options.file);
    const size = statSync(options.file).size;
    options.log(`kiln: wrote ${options.file} (${formatBytes(size)}) in ${Date.now() - started} ms`);
    return { file: options.file, size, durationMs: Date.now() - started, manifest };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
