/**
 * What kiln has already built, read with one engine call: every image carrying a kiln
 * fingerprint label, by fingerprint.
 */
import { LABEL } from "../../core/plan/image-ref.js";
import type { Engine, ImageInfo } from "../engine/types.js";

export async function imagesByFingerprint(engine: Engine): Promise<Map<string, ImageInfo>> {
  const out = new Map<string, ImageInfo>();
  for (const img of await engine.listImages([LABEL.fingerprint])) {
    const fp = img.labels[LABEL.fingerprint];
    if (fp && !out.has(fp)) out.set(fp, img);
  }
  return out;
}

/** `KILN_LABELS=k=v,k2=v2`: labels added to everything kiln creates */
export function extraLabels(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (env.KILN_LABELS ?? "").split(",")) {
    const eq = pair.indexOf("=");
    if (eq > 0) out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return out;
}
