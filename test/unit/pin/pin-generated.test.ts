/**
 * Generated compose files (seeded): random key order, build as a scalar / block map / flow map,
 * with or without image:, comments and blank lines at any place and indent, flow-style services,
 * quoted keys and values, CRLF. For each, pinning every buildable service and unpinning them in
 * random order gives back the exact bytes — and the pinned file parses to the expected model
 * (pinService re-parses and checks every edit itself).
 */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { pinService } from "../../../src/core/pin/pin-text.js";
import type { PinRecord } from "../../../src/core/pin/pin-record.js";
import { unpinText } from "../../../src/core/pin/unpin-text.js";

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generate(rand: () => number): { text: string; buildable: string[] } {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const maybe = (p: number) => rand() < p;
  const comment = (indent: number) =>
    `${" ".repeat(pick([0, indent, indent + 2]))}# note ${Math.floor(rand() * 1000)}`;
  const lines: string[] = [];
  const noise = (indent: number) => {
    if (maybe(0.25)) lines.push(comment(indent));
    if (maybe(0.15)) lines.push("");
  };
  if (maybe(0.5)) lines.push("# generated", "");
  lines.push(pick(["services:", "services: # all of them"]));
  const buildable: string[] = [];
  const count = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < count; i++) {
    const name = `svc${i}`;
    const hasBuild = maybe(0.8);
    if (hasBuild) buildable.push(name);
    noise(2);
    if (maybe(0.2)) {
      const pairs = [`init: true`];
      if (maybe(0.5))
        pairs.push(pick([`image: "r/${name}:1"`, `image: 'r/${name}:1'`, `image: r/${name}:1`]));
      if (hasBuild) pairs.push(pick([`build: ./${name}`, `build: {context: ./${name}, target: t}`]));
      pairs.sort(() => rand() - 0.5);
      lines.push(`  ${name}: {${pick(["", " "])}${pairs.join(", ")}${pick(["", " "])}}`);
      continue;
    }
    lines.push(`  ${maybe(0.2) ? `"${name}"` : name}:${maybe(0.2) ? "   # service" : ""}`);
    const keys: string[][] = [
      ["    init: true"],
      ["    ports:", '      - "80:80"'],
      ["    environment:", "      A: 1", "      B: 'x y'"],
    ];
    if (maybe(0.5))
      keys.push([
        pick([`    image: "r/${name}:1"`, `    image: r/${name}:1 # img`, `    image: 'r/${name}:1'`]),
      ]);
    if (hasBuild) {
      keys.push(
        pick([
          [`    build: ./${name}`],
          [`    build: "./${name}"   # quoted`],
          [`    build: {context: ./${name}, args: [A=1]}`],
          ["    build:", `      context: ./${name}`, "      # dockerfile: other", "      target: runtime"],
          ["    build: # multi", `      context: ./${name}`, "", "      args:", "        - X=1"],
        ]),
      );
    }
    keys.sort(() => rand() - 0.5);
    for (const k of keys) {
      noise(4);
      lines.push(...k);
    }
  }
  noise(0);
  if (maybe(0.5)) lines.push("volumes:", "  data: {}");
  const eol = maybe(0.3) ? "\r\n" : "\n";
  let text = lines.join(eol);
  if (maybe(0.8)) text += eol;
  return { text, buildable };
}

describe("pin/unpin on generated compose files (seeded)", () => {
  it("200 files: pinned files parse as expected and unpin gives back every byte", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const rand = prng(seed);
      const { text, buildable } = generate(rand);
      let pinned = text;
      const records: PinRecord[] = [];
      for (const s of buildable) {
        const r = pinService(pinned, s, `kiln.invalid/g-${s}:kiln-${seed}`);
        pinned = r.text;
        records.push(r.record);
      }
      const model = parse(pinned) as { services: Record<string, Record<string, unknown>> };
      for (const s of buildable) {
        expect(model.services[s].build, `seed ${seed}`).toBeUndefined();
        expect(model.services[s].image, `seed ${seed}`).toBe(`kiln.invalid/g-${s}:kiln-${seed}`);
      }
      records.sort(() => rand() - 0.5);
      let restored = pinned;
      for (const r of records) restored = unpinText(restored, r.service, r);
      expect(restored, `seed ${seed}\n${text}`).toBe(text);
    }
  });
});
