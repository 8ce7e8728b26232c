/**
 * "Is this service's current fingerprint baked in the registry?" — answered from the tag's
 * image config, before anything is pulled. A tag is trusted only when the image's
 * `kiln.fingerprint` label equals the full fingerprint: a 12-hex tag prefix can collide, and a
 * tag can be overwritten by hand; either way kiln builds instead of pinning a wrong image.
 */
import { KilnError } from "../../core/errors.js";
import { LABEL } from "../../core/image-ref.js";
import { registryRef, registryRepository } from "../../core/registry/registry-ref.js";
import { contentTag } from "../../core/image-ref.js";
import type { Lookup } from "../../core/registry/lookup-result.js";
import type { RegistryReader } from "./registry-client.js";

export async function lookupFingerprint(
  client: RegistryReader,
  service: string,
  fingerprint: string,
): Promise<Lookup> {
  const ref = registryRef(client.location, service, fingerprint);
  try {
    const img = await client.tagImage(registryRepository(client.location, service), contentTag(fingerprint));
    if (!img) return { state: "absent", ref };
    const label = img.labels[LABEL.fingerprint];
    if (label !== fingerprint) return { state: "mismatch", ref, label };
    return { state: "found", ref, digest: img.digest };
  } catch (error: unknown) {
    const e =
      error instanceof KilnError
        ? error
        : new KilnError("ERR_KILN_REGISTRY", String(error), {
            hint: "check that the registry answers: curl http://HOST:PORT/v2/",
            cause: error,
          });
    return { state: "error", ref, error: e };
  }
}

/** looks up every service once, in parallel; a registry that fails once is not asked again */
export async function lookupAll(
  client: RegistryReader,
  wanted: { service: string; fingerprint: string }[],
): Promise<Map<string, Lookup>> {
  const out = new Map<string, Lookup>();
  if (wanted.length === 0) return out;
  const [first, ...rest] = wanted;
  if (!first) return out;
  const head = await lookupFingerprint(client, first.service, first.fingerprint);
  out.set(first.service, head);
  if (head.state === "error") {
    for (const w of rest)
      out.set(w.service, {
        state: "error",
        ref: registryRef(client.location, w.service, w.fingerprint),
        error: head.error,
      });
    return out;
  }
  const results = await Promise.all(rest.map((w) => lookupFingerprint(client, w.service, w.fingerprint)));
  rest.forEach((w, i) => {
    const r = results[i];
    if (r) out.set(w.service, r);
  });
  return out;
}
