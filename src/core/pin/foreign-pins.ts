/**
 * Pins kiln recognises from the compose file itself (#12.3): a copied, renamed or freshly cloned
 * folder has none of kiln's records (they are keyed by the folder's path), yet its compose file
 * may say `image: kiln.invalid/<other-project>-web:kiln-<12 hex>` where the service had its
 * `build:`. kiln's never-resolving host plus its content tag (`kiln-` + 12 hex) on a service
 * without `build:` is that marker.
 *
 * Undoing such a pin needs the service's original text from somewhere else — kiln's records of
 * the folder it was made in, or a committed version of the file that still has the build — and
 * `unpinWithOriginal` re-derives exact pin records by pinning that original the same way, so the
 * restore keeps every edit made since (and is byte-identical when there were none).
 */
import path from "node:path";
import type { ProjectModel } from "../compose/model.js";
import { KilnError, isKilnError } from "../errors.js";
import { imageTag, PIN_HOST } from "../image-ref.js";
import type { PinRecord } from "./pin-record.js";
import { pinService } from "./pin-text.js";
import { unpinText } from "./unpin-text.js";

const CONTENT_TAG = /^kiln-[0-9a-f]{12}$/;

export interface ForeignPin {
  service: string;
  /** the file whose `image:` carries the pin (absolute, as the model names it) */
  file: string;
  line: number;
  imageRef: string;
}

/**
 * whether an image reference is a local-only kiln pin (`kiln.invalid/…:kiln-<12 hex>`). A pin
 * to a name with a registry host is left alone: such a file may well be meant (a teammate can
 * pull `registry/app:kiln-…` after `kiln push`), and it does not point at a name that never resolves.
 */
export function isPinnedRef(ref: string): boolean {
  return ref.startsWith(`${PIN_HOST}/`) && !ref.includes("@") && CONTENT_TAG.test(imageTag(ref));
}

/**
 * Services the model (with this folder's own pins undone) still shows pinned: no `build:`, an
 * image with kiln's content tag written in one of the project's files.
 */
export function findForeignPins(model: ProjectModel): ForeignPin[] {
  const out: ForeignPin[] = [];
  for (const svc of model.allServices) {
    if (svc.build || !svc.image || !isPinnedRef(svc.image)) continue;
    const at = svc.source.image;
    if (!at || at.origin !== "own") continue;
    out.push({ service: svc.name, file: at.file, line: at.line, imageRef: svc.image });
  }
  return out;
}

/**
 * The records that pinning `original` to the refs `current` carries would have made, or null
 * when `original` is not that file before its pins (a service without build: there, an edit).
 */
export function recordsFromOriginal(
  original: string,
  pins: readonly { service: string; imageRef: string }[],
  file: string,
): PinRecord[] | null {
  let text = original;
  const records: PinRecord[] = [];
  try {
    for (const p of pins) {
      const r = pinService(text, p.service, p.imageRef, { file });
      text = r.text;
      records.push(r.record);
    }
  } catch (err) {
    if (isKilnError(err)) return null;
    throw err;
  }
  return records;
}

/** `current` with the given records' pins undone, or null when they do not fit it */
export function unpinWithRecords(
  current: string,
  records: readonly PinRecord[],
  file: string,
): string | null {
  let text = current;
  try {
    for (const r of [...records].reverse()) text = unpinText(text, r.service, r, { file });
  } catch (err) {
    if (isKilnError(err)) return null;
    throw err;
  }
  return text;
}

/** `current` with its pins undone from a version of the file before them, or null */
export function unpinWithOriginal(
  current: string,
  original: string,
  pins: readonly { service: string; imageRef: string }[],
  file: string,
): string | null {
  const records = recordsFromOriginal(original, pins, file);
  return records ? unpinWithRecords(current, records, file) : null;
}

/** what to tell a user whose file carries pins kiln cannot undo from any record */
export function pinnedElsewhereError(
  pins: readonly ForeignPin[],
  options: { gitCommit?: string; projectDir: string },
): KilnError {
  const files = [...new Set(pins.map((p) => path.relative(options.projectDir, p.file) || p.file))];
  const where = pins.map((p) => `${p.service} (${p.imageRef})`).join(", ");
  const hint = options.gitCommit
    ? `kiln restore --from-git puts build: back from commit ${options.gitCommit.slice(0, 12)} (keeping later edits); or: git checkout ${options.gitCommit.slice(0, 12)} -- ${files.join(" ")}`
    : `put the build: sections back by hand, or copy ${files.join(", ")} from the folder where kiln baked it (\`kiln restore\` there undoes the pins)`;
  return new KilnError(
    "ERR_KILN_PINNED_ELSEWHERE",
    `${files.join(", ")} pins ${where} to kiln images, but this folder has no record of those pins (made in another folder, or kiln's state was removed)${options.gitCommit ? "" : " and found no committed version with their build:"}`,
    { hint, location: `${pins[0].file}:${pins[0].line}` },
  );
}
