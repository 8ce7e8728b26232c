/**
 * `--mode inplace`: replace a service's `build:` by `image: <ref>` as a splice of the source
 * text, so every other byte (comments, blank lines, quoting, anchors, flow collections, CRLF)
 * stays. A service with both keys keeps its image key where it is (only the value changes) and
 * loses the build lines. Comments inside the removed build block go with it; the PinRecord keeps
 * them for unpin.
 *
 * Inherited builds are refused, never pinned by editing a shared base: a `<<` merge key or an
 * `extends` that supplies (or would re-supply) `build:` would need `build: !reset null`, which
 * compose v1 rejects — `--mode override` handles those. A `build: *alias` that is the service's
 * own key is fine: only that key is replaced and the anchor definition stays byte-identical.
 */
import { isDeepStrictEqual } from "node:util";
import { KilnError } from "../errors.js";
import {
  formatScalar,
  locateService,
  parseCompose,
  type KeyPair,
  type LocatedService,
} from "./locate-service.js";
import type { PinRecord } from "./pin-record.js";
import { blockValueEnd, lineFullEnd, lineStart, startsLine } from "./text-lines.js";
import { resolveCompose, verifyEdit, without, type ResolvedCompose } from "./verify-edit.js";

export interface PinOptions {
  /** for messages */
  file?: string;
}

export interface PinResult {
  text: string;
  record: PinRecord;
}

export function pinText(text: string, service: string, imageRef: string, opts: PinOptions = {}): string {
  return pinService(text, service, imageRef, opts).text;
}

export function pinService(
  text: string,
  service: string,
  imageRef: string,
  opts: PinOptions = {},
): PinResult {
  const file = opts.file ?? "compose file";
  const doc = parseCompose(text, file);
  const svc = locateService(doc, service, file);
  const before = resolveCompose(doc);
  refuseInherited(svc, before, file);
  const result = svc.image ? replaceImage(text, svc, imageRef) : replaceBuild(text, svc, imageRef);
  verifyEdit(
    before,
    result.text,
    service,
    (after) => {
      if (after && "build" in after) return "it still inherits build: through a merge key or anchor";
      const want = { ...without(before.services[service], "build"), image: imageRef };
      return isDeepStrictEqual(without(after, "image"), without(want, "image")) && after?.image === imageRef
        ? null
        : "the re-parsed service is not the expected one";
    },
    `pinning (${file})`,
  );
  return result;
}

function refuseInherited(svc: LocatedService, before: ResolvedCompose, file: string): void {
  const refuse = (why: string) =>
    new KilnError("ERR_KILN_PIN_REFUSED", `service "${svc.name}" in ${file} ${why}; kiln changed nothing`, {
      hint: `pin it with kiln bake --mode override (a separate file), or give "${svc.name}" its own build: key`,
    });
  if (svc.extends) {
    const ext = before.services[svc.name]?.extends;
    const base = typeof ext === "string" ? ext : (ext as { service?: string; file?: string } | undefined);
    if (typeof base === "object" && base?.file) throw refuse("extends a service in another file");
    const baseName = typeof base === "string" ? base : base?.service;
    if (!svc.build || (baseName && before.services[baseName]?.build !== undefined)) {
      throw refuse(`inherits build: through extends (${baseName ?? "?"})`);
    }
  }
  if (!svc.build) {
    if (svc.merge && before.services[svc.name]?.build !== undefined) {
      throw refuse("inherits build: through a << merge key; pinning in place would change the shared base");
    }
    throw new KilnError("ERR_KILN_NOT_BUILDABLE", `service "${svc.name}" in ${file} has no build: key`, {
      hint: "kiln pins only services with build:; kiln config shows where each service is declared",
    });
  }
}

function layoutRefusal(svc: LocatedService): KilnError {
  return new KilnError("ERR_KILN_PIN_REFUSED", `service "${svc.name}": unusual YAML layout around build:`, {
    hint: "put build: on a line of its own, or use kiln bake --mode override",
  });
}

function replaceBuild(text: string, svc: LocatedService, imageRef: string): PinResult {
  const b = svc.build!;
  if (!svc.flow && !startsLine(text, b.keyStart)) throw layoutRefusal(svc);
  const end = svc.flow ? b.valueEnd : blockValueEnd(text, b.keyStart);
  const written = `image: ${formatScalar(imageRef)}`;
  return {
    text: text.slice(0, b.keyStart) + written + text.slice(end),
    record: {
      version: 1,
      service: svc.name,
      imageRef,
      kind: "replaced-build",
      originalBuild: text.slice(b.keyStart, end),
      pinnedText: written,
    },
  };
}

/** The removed range of the build pair: whole lines (block) or the pair plus one comma (flow). */
export function buildRemovalRange(text: string, svc: LocatedService): [number, number] {
  const b = svc.build!;
  if (svc.flow) {
    const i = svc.pairs.indexOf(b);
    if (i + 1 < svc.pairs.length) return [b.keyStart, svc.pairs[i + 1].keyStart];
    return [svc.pairs[i - 1].valueEnd, b.valueEnd];
  }
  if (!startsLine(text, b.keyStart)) throw layoutRefusal(svc);
  let s = lineStart(text, b.keyStart);
  const e = lineFullEnd(text, blockValueEnd(text, b.keyStart));
  if (e === text.length && !text.endsWith("\n") && s > 0) {
    s -= text[s - 2] === "\r" ? 2 : 1; // last line without a break: take the break before it
  }
  return [s, e];
}

/** end of a pair's value as the removal/insert logic sees it */
export function pairEnd(text: string, svc: LocatedService, p: KeyPair): number {
  return svc.flow ? p.valueEnd : blockValueEnd(text, p.keyStart);
}

function replaceImage(text: string, svc: LocatedService, imageRef: string): PinResult {
  const img = svc.image!;
  if (img.pair.value === null || img.valueStart === img.valueEnd) throw layoutRefusal(svc);
  const b = svc.build!;
  const [s, e] = buildRemovalRange(text, svc);
  const oldImage = text.slice(img.valueStart, img.valueEnd);
  const newImage = formatScalar(imageRef, oldImage);
  const i = svc.pairs.indexOf(b);
  const prev = svc.pairs[i - 1];
  const next = svc.pairs[i + 1];
  // remember the neighbour the build text sat against, and the bytes between them
  const anchor = prev
    ? { anchorKey: prev.key, anchorSide: "after" as const, gap: text.slice(pairEnd(text, svc, prev), s) }
    : { anchorKey: next.key, anchorSide: "before" as const, gap: text.slice(e, next.keyStart) };
  const edits: [number, number, string][] = [
    [s, e, ""],
    [img.valueStart, img.valueEnd, newImage],
  ].sort((x, y) => (y[0] as number) - (x[0] as number)) as [number, number, string][];
  let out = text;
  for (const [from, to, by] of edits) out = out.slice(0, from) + by + out.slice(to);
  return {
    text: out,
    record: {
      version: 1,
      service: svc.name,
      imageRef,
      kind: "replaced-image",
      originalBuild: text.slice(s, e),
      pinnedText: newImage,
      originalImage: oldImage,
      buildBeforeImage: e <= img.keyStart,
      gap: anchor.gap,
      anchorKey: anchor.anchorKey,
      anchorSide: anchor.anchorSide,
    },
  };
}
