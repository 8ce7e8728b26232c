import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { pinService, pinText } from "../../../src/core/pin/pin-text.js";
import type { PinRecord } from "../../../src/core/pin/pin-record.js";
import { unpinText } from "../../../src/core/pin/unpin-text.js";
import { fixturesDir } from "../../helpers/kiln.js";

const nasty = readFileSync(path.join(fixturesDir, "pin", "nasty.yml"), "utf8");
const ref = (s: string) => `kiln.invalid/proj-${s}:kiln-0123456789ab`;
const buildable = ["web", "api", "shared", "merged", "flowy", "flowy2"];

function pinAll(text: string, services = buildable): { text: string; records: PinRecord[] } {
  const records: PinRecord[] = [];
  for (const s of services) {
    const r = pinService(text, s, ref(s));
    text = r.text;
    records.push(r.record);
  }
  return { text, records };
}

/** lines of a that are not in b (multiset) */
function removedLines(a: string, b: string): string[] {
  const rest = b.split("\n");
  return a.split("\n").filter((l) => {
    const i = rest.indexOf(l);
    if (i === -1) return true;
    rest.splice(i, 1);
    return false;
  });
}

describe("pinText on a nasty file", () => {
  const { text: pinned, records } = pinAll(nasty);

  it("replaces exactly the build keys and nothing else", () => {
    expect(pinned).toMatchSnapshot();
    const doc = parse(pinned, { merge: true }) as { services: Record<string, Record<string, unknown>> };
    for (const s of buildable) {
      expect(doc.services[s].build).toBeUndefined();
      expect(doc.services[s].image).toBe(ref(s));
    }
    expect(doc.services.db).toEqual({ image: "kiln-local/busybox:latest", volumes: ["data:/data"] });
    // every removed line belongs to a build block or was an image line of a service that had one
    const gone = removedLines(nasty, pinned);
    expect(
      gone.every(
        (l) =>
          /build|context|dockerfile|target|args|<<: \*common|image: "example|flowy/.test(l) ||
          l.trim() === "",
      ),
    ).toBe(true);
  });

  it("keeps anchors byte-identical", () => {
    const head = nasty.slice(0, nasty.indexOf("services:"));
    expect(pinned.startsWith(head)).toBe(true);
  });

  it("keeps the image key position and quote style of a service that had both", () => {
    expect(pinned).toContain(`  api:\n    image: "${ref("api")}"   # both image and build\n    command:`);
    expect(pinned).toContain(`flowy: {image: '${ref("flowy")}', init: true}`);
    expect(pinned).toContain(`flowy2: { init: true, image: ${ref("flowy2")} }`);
  });

  it("unpins back to the original bytes", () => {
    let t = pinned;
    for (const r of [...records].reverse()) t = unpinText(t, r.service, r);
    expect(t).toBe(nasty);
    let u = pinned;
    for (const r of records) u = unpinText(u, r.service, r);
    expect(u).toBe(nasty);
  });

  it("pinText returns the same text as pinService", () => {
    expect(pinText(nasty, "web", ref("web"))).toBe(pinService(nasty, "web", ref("web")).text);
  });
});
