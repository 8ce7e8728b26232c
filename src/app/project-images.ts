/**
 * What kiln has already built, read with one engine call: every image carrying a kiln
 * fingerprint label and a content tag of that fingerprint, by fingerprint. Images built FROM a
 * kiln image carry its labels too, never its tags: they are not kiln's and are left out (#12.2).
 */
import { isKilnImage, LABEL } from "../core/image-ref.js";
import type { Engine, ImageInfo } from "../adapters/engine/engine-types.js";

/** every kiln image per fingerprint (more than one after a rebuild that another project shares) */
export async function kilnImages(engine: Engine): Promise<Map<string, ImageInfo[]>> {
  const out = new Map<string, ImageInfo[]>();
  for (const img of await engine.listImages([LABEL.fingerprint])) {
    const fp = img.labels[LABEL.fingerprint];
    if (!fp || !isKilnImage(img, fp)) continue;
    out.set(fp, [...(out.get(fp) ?? []), img]);
  }
  // newest first (a rebuild makes a second image of a fingerprint): Docker lists images newest
  // first, Podman does not — taking the first would move the content tag back
  for (const list of out.values()) list.sort((a, b) => Date.parse(b.created) - Date.parse(a.created));
  return out;
}

/** one kiln image per fingerprint */
export async function imagesByFingerprint(engine: Engine): Promise<Map<string, ImageInfo>> {
  const out = new Map<string, ImageInfo>();
  for (const [fp, list] of await kilnImages(engine)) out.set(fp, list[0]);
  return out;
}

export { extraLabels } from "../core/volumes/labels.js";
