/**
 * A bundle is a plain tar: `kiln-bundle.json` (this manifest), `images.tar` (`docker save` of
 * the baked content-tagged images) and, with --cache-mounts, `caches/<n>/cache.tar` per cache
 * mount. Every member is listed with its sha256 and size; import checks them before loading.
 */
import { createHash } from "node:crypto";
import { createReadStream, readFileSync } from "node:fs";
import path from "node:path";
import { KilnError } from "../../core/errors.js";
import { BUNDLE_KIND, MANIFEST_FILE, type BundleManifest } from "../../core/bundle/manifest.js";

export async function sha256File(file: string, onBytes?: (n: number) => void): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    onBytes?.((chunk as Buffer).length);
  }
  return hash.digest("hex");
}

export function readManifest(dir: string, bundle: string): BundleManifest {
  let m: BundleManifest;
  try {
    m = JSON.parse(readFileSync(path.join(dir, MANIFEST_FILE), "utf8")) as BundleManifest;
  } catch (error: unknown) {
    throw new KilnError("ERR_KILN_BUNDLE", `${bundle} is not a kiln bundle (no readable ${MANIFEST_FILE})`, {
      cause: error,
      hint: "make one with `kiln bundle export FILE`",
    });
  }
  if (m.kind !== BUNDLE_KIND || m.version !== 1) {
    throw new KilnError(
      "ERR_KILN_BUNDLE",
      `${bundle} is a ${String(m.kind)} v${String(m.version)}, not a kiln bundle v1`,
      {
        hint: "export it again with this version of kiln",
      },
    );
  }
  return m;
}

/** every member's checksum, or ERR_KILN_BUNDLE naming the first that differs */
export async function verifyMembers(dir: string, m: BundleManifest, bundle: string): Promise<void> {
  for (const f of [m.images, ...m.caches]) {
    const actual = await sha256File(path.join(dir, f.path)).catch(() => "(missing)");
    if (actual !== f.sha256) {
      throw new KilnError(
        "ERR_KILN_BUNDLE",
        `${bundle}: ${f.path} is damaged (sha256 ${actual}, expected ${f.sha256})`,
        {
          hint: "copy the bundle again, or export a new one; nothing was loaded",
        },
      );
    }
  }
}
