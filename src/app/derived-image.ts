/**
 * Whether a container runs the baked image: the image itself, or one built FROM it — the Dev
 * Containers CLI's `-uid` / Features image inherits the baked image's fingerprint label, and is
 * that image plus the CLI's layers, not an older build to recreate (#12.2).
 */
import { LABEL } from "../core/image-ref.js";
import type { Engine, ImageInfo } from "../adapters/engine/engine-types.js";

export async function runsBakedImage(engine: Engine, imageId: string, baked: ImageInfo): Promise<boolean> {
  if (imageId === baked.id) return true;
  const fp = baked.labels[LABEL.fingerprint];
  if (!fp) return false;
  const image = await engine.imageInspect(imageId);
  return image?.labels[LABEL.fingerprint] === fp;
}
