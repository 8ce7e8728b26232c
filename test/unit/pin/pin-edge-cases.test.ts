import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { overrideText } from "../../../src/core/pin/override-text.js";
import { pinService } from "../../../src/core/pin/pin-text.js";
import { repinText, unpinText } from "../../../src/core/pin/unpin-text.js";
import { fixturesDir } from "../../helpers/kiln.js";

const nasty = readFileSync(path.join(fixturesDir, "pin", "nasty.yml"), "utf8");
const REF = "kiln.invalid/p-web:kiln-0123456789ab";

function roundTrip(text: string, services: string[]): string {
  let t = text;
  const records = services.map((s) => {
    const r = pinService(t, s, REF);
    t = r.text;
    return r.record;
  });
  expect(t).not.toBe(text);
  for (const r of records.reverse()) t = unpinText(t, r.service, r);
  return t;
}

describe("line endings and file ends", () => {
  it("keeps CRLF line endings and restores byte-identically", () => {
    const crlf = nasty.replaceAll("\n", "\r\n");
    const pinned = pinService(crlf, "web", REF).text;
    expect(pinned.replaceAll("\r\n", "")).not.toContain("\n");
    expect(pinned).toContain(`    image: ${REF}\r\n    ports:`);
    expect(roundTrip(crlf, ["web", "api", "shared", "merged", "flowy", "flowy2"])).toBe(crlf);
  });

  it("handles a build block on the last line without a trailing newline", () => {
    const text = "services:\n  app:\n    image: old:1\n    build: .";
    const { text: pinned } = pinService(text, "app", REF);
    expect(pinned).toBe(`services:\n  app:\n    image: ${REF}`);
    expect(roundTrip(text, ["app"])).toBe(text);
    const text2 = "services:\n  app:\n    build:\n      context: .\n      target: t";
    expect(pinService(text2, "app", REF).text).toBe(`services:\n  app:\n    image: ${REF}`);
    expect(roundTrip(text2, ["app"])).toBe(text2);
  });

  it("puts build back before image when it came first", () => {
    const text = "services:\n  app:\n    build: ./app # b\n    # about the image\n    image: 'old:1'\n";
    const { text: pinned } = pinService(text, "app", REF);
    expect(pinned).toBe(`services:\n  app:\n    # about the image\n    image: '${REF}'\n`);
    expect(roundTrip(text, ["app"])).toBe(text);
  });

  it("quotes a reference that is not plain-safe", () => {
    const { text } = pinService("services:\n  a:\n    build: .\n", "a", "x/y:1 #not-a-comment");
    expect(parse(text)).toEqual({ services: { a: { image: "x/y:1 #not-a-comment" } } });
  });
});

describe("inherited builds are refused, shared bases never change", () => {
  it("refuses a service whose build comes from a merge key", async () => {
    const text = "x-b: &b\n  build: .\nservices:\n  a:\n    <<: *b\n    init: true\n";
    expect(() => pinService(text, "a", REF)).toThrow(
      expect.objectContaining({ code: "ERR_KILN_PIN_REFUSED" }),
    );
  });

  it("refuses when removing the own build would expose a merged one", () => {
    const text = "x-b: &b\n  build: ./base\nservices:\n  a:\n    <<: *b\n    build: ./a\n";
    expect(() => pinService(text, "a", REF)).toThrow(
      expect.objectContaining({ code: "ERR_KILN_PIN_REFUSED" }),
    );
  });

  it("refuses extends that provides build:, and extends from another file", () => {
    const same = "services:\n  base:\n    build: .\n  a:\n    extends: base\n    build: ./a\n";
    expect(() => pinService(same, "a", REF)).toThrow(
      expect.objectContaining({ code: "ERR_KILN_PIN_REFUSED" }),
    );
    const inherited = "services:\n  base:\n    build: .\n  a:\n    extends: { service: base }\n";
    expect(() => pinService(inherited, "a", REF)).toThrow(
      expect.objectContaining({ code: "ERR_KILN_PIN_REFUSED" }),
    );
    const other = "services:\n  a:\n    extends: { file: common.yml, service: base }\n    build: .\n";
    expect(() => pinService(other, "a", REF)).toThrow(
      expect.objectContaining({ code: "ERR_KILN_PIN_REFUSED" }),
    );
  });

  it("pins a service that extends a pull-only service", () => {
    const text = "services:\n  base:\n    image: busybox\n  a:\n    extends: base\n    build: ./a\n";
    expect(pinService(text, "a", REF).text).toBe(
      `services:\n  base:\n    image: busybox\n  a:\n    extends: base\n    image: ${REF}\n`,
    );
  });

  it("refuses to remove an anchor another service uses", () => {
    const text = "services:\n  a:\n    build: &b { context: . }\n  b:\n    build: *b\n";
    expect(() => pinService(text, "a", REF)).toThrow(
      expect.objectContaining({ code: "ERR_KILN_PIN_REFUSED" }),
    );
    // the alias user can be pinned: the anchor stays
    expect(pinService(text, "b", REF).text).toBe(
      `services:\n  a:\n    build: &b { context: . }\n  b:\n    image: ${REF}\n`,
    );
  });

  it("refuses a service that is an alias of another mapping", () => {
    const text = "x-s: &s\n  build: .\nservices:\n  a: *s\n";
    expect(() => pinService(text, "a", REF)).toThrow(
      expect.objectContaining({ code: "ERR_KILN_PIN_REFUSED" }),
    );
  });

  it("names unknown and non-buildable services", () => {
    expect(() => pinService(nasty, "nope", REF)).toThrow(
      expect.objectContaining({ code: "ERR_KILN_UNKNOWN_SERVICE" }),
    );
    expect(() => pinService(nasty, "db", REF)).toThrow(
      expect.objectContaining({ code: "ERR_KILN_NOT_BUILDABLE" }),
    );
    expect(() => pinService("services: [", "a", REF)).toThrow(
      expect.objectContaining({ code: "ERR_KILN_COMPOSE_PARSE" }),
    );
  });
});

describe("unpin conflicts and repin", () => {
  it("refuses to unpin a service whose pinned image was edited", () => {
    const { text, record } = pinService(nasty, "web", REF);
    const edited = text.replace(REF, "my/own:image");
    expect(() => unpinText(edited, "web", record)).toThrow(
      expect.objectContaining({ code: "ERR_KILN_UNPIN_CONFLICT" }),
    );
    expect(() => unpinText(edited, "web", record)).toThrow(/pinned image was edited/);
    expect(() => unpinText(edited, "web", record)).toThrow(
      expect.objectContaining({
        hint: "kiln restore --from-backup --force puts the whole pristine file back (losing later edits)",
      }),
    );
    const { text: t2, record: r2 } = pinService(nasty, "api", REF);
    expect(() => unpinText(t2.replace(`"${REF}"`, "other"), "api", r2)).toThrow(
      expect.objectContaining({ code: "ERR_KILN_UNPIN_CONFLICT" }),
    );
  });

  it("refuses when the service has a build: again or is gone", () => {
    const { text, record } = pinService(nasty, "shared", REF);
    const rebuilt = text.replace(`    image: ${REF}\n`, `    image: ${REF}\n    build: .\n`);
    expect(() => unpinText(rebuilt, "shared", record)).toThrow(
      expect.objectContaining({ code: "ERR_KILN_UNPIN_CONFLICT" }),
    );
    const gone = text.replace(/ {2}shared:\n( {4}.*\n| {6}.*\n)+/, "");
    expect(() => unpinText(gone, "shared", record)).toThrow(
      expect.objectContaining({ code: "ERR_KILN_UNPIN_CONFLICT" }),
    );
  });

  it("repins to a new reference and still restores the original", () => {
    for (const svc of ["web", "api", "flowy"]) {
      const first = pinService(nasty, svc, REF);
      const next = repinText(first.text, svc, first.record, "kiln.invalid/p:kiln-fedcba987654");
      expect(next.text).toContain("kiln.invalid/p:kiln-fedcba987654");
      expect(next.text).not.toContain(REF);
      expect(unpinText(next.text, svc, next.record)).toBe(nasty);
    }
  });
});

describe("overrideText", () => {
  it("writes !reset build and the image per service", () => {
    const text = overrideText([
      { service: "web", imageRef: "kiln.invalid/p-web:kiln-1" },
      { service: "api", imageRef: "kiln.invalid/p-api:kiln-2" },
    ]);
    expect(text).toMatchSnapshot();
    expect(text).toContain("    build: !reset null\n");
    const doc = parse(text, { customTags: [{ tag: "!reset", resolve: () => null }] }) as { services: object };
    expect(doc.services).toEqual({
      api: { build: null, image: "kiln.invalid/p-api:kiln-2" },
      web: { build: null, image: "kiln.invalid/p-web:kiln-1" },
    });
    expect(overrideText([])).toContain("services: {}");
  });
});

describe("block extents", () => {
  it("takes interior comments at any indent and blank lines inside block scalars", () => {
    const text = [
      "services:",
      "  app:",
      "    build:",
      "      context: .",
      "# a commented-out line at column 0",
      "      dockerfile_inline: |",
      "        FROM busybox",
      "",
      "        RUN echo hi",
      "      # trailing note on build",
      "    # about init",
      "    init: true",
      "",
    ].join("\n");
    const { text: pinned } = pinService(text, "app", REF);
    expect(pinned).toBe(`services:\n  app:\n    image: ${REF}\n    # about init\n    init: true\n`);
    expect(roundTrip(text, ["app"])).toBe(text);
  });

  it("leaves a comment after a blank line to the next key", () => {
    const text =
      "services:\n  app:\n    image: a\n    build: .\n\n      # odd indent, next section\n    init: true\n";
    const { text: pinned } = pinService(text, "app", REF);
    expect(pinned).toBe(
      `services:\n  app:\n    image: ${REF}\n\n      # odd indent, next section\n    init: true\n`,
    );
    expect(roundTrip(text, ["app"])).toBe(text);
  });
});
