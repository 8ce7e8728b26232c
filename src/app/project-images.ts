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
    // the newest image of a fingerprint (a rebuild makes a second one): Docker lists images
    // newest first, Podman does not — taking the first would move the content tag back
    const seen = fp ? out.get(fp) : undefined;
    if (fp && (!seen || Date.parse(img.created) > Date.parse(seen.created))) out.set(fp, img);
  }
  return out;
}

export { extraLabels } from "../adapters/volumes/labels.js";
