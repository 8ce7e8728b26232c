/**
 * What kiln has already built, read with one engine call: every image carrying a kiln
 * fingerprint label, by fingerprint.
 */
import { LABEL } from "../core/plan/image-ref.js";
import type { Engine, ImageInfo } from "../adapters/engine/types.js";

export async function imagesByFingerprint(engine: Engine): Promise<Map<string, ImageInfo>> {
  const out = new Map<string, ImageInfo>();
  for (const img of await engine.listImages([LABEL.fingerprint])) {
    const fp = img.labels[LABEL.fingerprint];
    if (fp && !out.has(fp)) out.set(fp, img);
  }
  return out;
}

export { extraLabels } from "../adapters/volumes/labels.js";
