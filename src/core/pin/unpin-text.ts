/**
 * Restore = unpin: put a service's original `build:` bytes back from its PinRecord, leaving
 * every other edit the user made after the pin. When nothing else changed, the result is
 * byte-identical to the file before the pin. If the pinned `image:` itself was edited, kiln
 * cannot know what the user meant and refuses for that service.
 */
import { KilnError, isKilnError } from "../errors.js";
import { formatScalar, locateService, parseCompose, type LocatedService } from "./locate-service.js";
import type { PinRecord } from "./pin-record.js";
import { pairEnd } from "./pin-text.js";
import { lineFullEnd, lineStart } from "./text-lines.js";
import { resolveCompose, verifyEdit, without } from "./verify-edit.js";

export interface UnpinOptions {
  file?: string;
}

function conflict(service: string, file: string, why: string): KilnError {
  return new KilnError("ERR_KILN_UNPIN_CONFLICT", `cannot unpin service "${service}" in ${file}: ${why}`, {
    hint: "kiln restore --from-backup --force puts the whole pristine file back (losing later edits)",
  });
}

export function unpinText(
  current: string,
  service: string,
  record: PinRecord,
  opts: UnpinOptions = {},
): string {
  const file = opts.file ?? "compose file";
  const { svc, before } = locatePinned(current, service, record, file);
  const img = svc.image!;
  let out: string;
  if (record.kind === "replaced-build") {
    out = current.slice(0, img.keyStart) + record.originalBuild + current.slice(img.valueEnd);
  } else {
    const at = insertionPoint(current, svc, record, file);
    const edits: [number, number, string][] = [
      [at, at, record.originalBuild],
      [img.valueStart, img.valueEnd, record.originalImage ?? ""],
    ];
    edits.sort((x, y) => y[0] - x[0]);
    out = current;
    for (const [from, to, by] of edits) out = out.slice(0, from) + by + out.slice(to);
  }
  try {
    verifyEdit(
      before,
      out,
      service,
      (after) => {
        if (!after || !("build" in after)) return "build: did not come back";
        if (record.kind === "replaced-build" && "image" in after) return "image: is still there";
        const same =
          JSON.stringify(without(after, "build", "image")) ===
          JSON.stringify(without(before.services[service], "image"));
        return same ? null : "other keys of the service would change";
      },
      "unpinning",
    );
  } catch (err) {
    if (isKilnError(err)) throw conflict(service, file, err.message);
    throw err;
  }
  return out;
}

/** Pins the already-pinned service to a new image reference; the record keeps the original build. */
export function repinText(
  current: string,
  service: string,
  record: PinRecord,
  imageRef: string,
  opts: UnpinOptions = {},
): { text: string; record: PinRecord } {
  const file = opts.file ?? "compose file";
  const { svc } = locatePinned(current, service, record, file);
  const img = svc.image!;
  if (record.kind === "replaced-build") {
    const written = `image: ${formatScalar(imageRef)}`;
    return {
      text: current.slice(0, img.keyStart) + written + current.slice(img.valueEnd),
      record: { ...record, imageRef, pinnedText: written },
    };
  }
  const value = formatScalar(imageRef, record.pinnedText);
  return {
    text: current.slice(0, img.valueStart) + value + current.slice(img.valueEnd),
    record: { ...record, imageRef, pinnedText: value },
  };
}

function locatePinned(current: string, service: string, record: PinRecord, file: string) {
  const doc = parseCompose(current, file);
  let svc: LocatedService;
  try {
    svc = locateService(doc, service, file);
  } catch (err) {
    if (isKilnError(err)) throw conflict(service, file, "the service is gone or no longer a plain mapping");
    throw err;
  }
  if (svc.build) throw conflict(service, file, "it has a build: key again");
  const img = svc.image;
  if (!img) throw conflict(service, file, "its pinned image: key is gone");
  const now =
    record.kind === "replaced-build"
      ? current.slice(img.keyStart, img.valueEnd)
      : current.slice(img.valueStart, img.valueEnd);
  if (now !== record.pinnedText) {
    throw conflict(
      service,
      file,
      `its pinned image was edited (now "${now}", kiln wrote "${record.pinnedText}")`,
    );
  }
  return { svc, before: resolveCompose(doc) };
}

/** Where the removed build text goes back: against the same neighbour with the same bytes between. */
function insertionPoint(current: string, svc: LocatedService, record: PinRecord, file: string): number {
  const gap = record.gap ?? "";
  const anchor = svc.pairs.find((p) => p.key === record.anchorKey);
  if (anchor) {
    if (record.anchorSide === "after") {
      const end = pairEnd(current, svc, anchor);
      if (current.startsWith(gap, end)) return end + gap.length;
      if (!svc.flow) return lineFullEnd(current, end);
    } else {
      if (current.slice(anchor.keyStart - gap.length, anchor.keyStart) === gap)
        return anchor.keyStart - gap.length;
      if (!svc.flow) return lineStart(current, anchor.keyStart);
    }
  } else if (!svc.flow) {
    return lineFullEnd(current, pairEnd(current, svc, svc.image!));
  }
  throw conflict(svc.name, file, "the flow mapping around it was edited");
}

/** Undoes every pin of one file (latest first) — e.g. to fingerprint a compose file that lies in a build context. */
export function unpinAll(current: string, records: readonly PinRecord[], opts: UnpinOptions = {}): string {
  let text = current;
  for (const r of [...records].reverse()) text = unpinText(text, r.service, r, opts);
  return text;
}
