/**
 * Property: for random user edits made after pinning (comments added/removed, a service added,
 * other keys changed), unpin(edit(pin(original))) === edit(original) — the edits survive and
 * the build blocks come back byte for byte. Seeded PRNG: failures are reproducible.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { pinService } from "../../../src/core/pin/pin-text.js";
import type { PinRecord } from "../../../src/core/pin/pin-record.js";
import { unpinText } from "../../../src/core/pin/unpin-text.js";
import { fixturesDir } from "../../helpers/kiln.js";

const nasty = readFileSync(path.join(fixturesDir, "pin", "nasty.yml"), "utf8");
const buildable = ["web", "api", "shared", "merged", "flowy", "flowy2"];

/** mulberry32 */
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

type Edit = (lines: string[]) => string[];

/** index of the only line equal to `l`, or -1 */
function only(lines: string[], l: string): number {
  const i = lines.indexOf(l);
  return i !== -1 && lines.lastIndexOf(l) === i ? i : -1;
}

/** lines that are unique in both texts and have the same neighbours in both */
function stableLines(a: string[], b: string[]): string[] {
  return a.filter((l, i) => {
    const j = only(b, l);
    if (only(a, l) !== i || j === -1) return false;
    return a[i - 1] === b[j - 1] && a[i + 1] === b[j + 1];
  });
}

function randomEdit(rand: () => number, stable: string[], n: number): Edit {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
  const indentOf = (l: string) => l.length - l.trimStart().length;
  const kind = Math.floor(rand() * 5);
  const at =
    (l: string, f: (lines: string[], i: number) => void): Edit =>
    (lines) => {
      const copy = [...lines];
      const i = only(copy, l);
      if (i !== -1) f(copy, i);
      return copy;
    };
  const comments = stable.filter((l) => /^\s*#/.test(l));
  const keyLines = stable.filter(
    (l) => /^\s*[\w<-][\w.-]*:/.test(l) && !l.includes("#") && !/[|>]-?$/.test(l.trim()),
  );
  switch (kind) {
    case 0: {
      const l = pick(stable);
      return at(l, (ls, i) => ls.splice(i + 1, 0, `${" ".repeat(indentOf(l))}# user note ${n}`));
    }
    case 1: {
      if (comments.length === 0) return (ls) => ls;
      return at(pick(comments), (ls, i) => ls.splice(i, 1));
    }
    case 2:
      return at("services:", (ls, i) =>
        ls.splice(i + 1, 0, `  added${n}:`, `    image: kiln-local/busybox:latest # ${n}`),
      );
    case 3: {
      const l = pick(keyLines);
      return at(l, (ls, i) => (ls[i] = `${l}   # changed ${n}`));
    }
    default: {
      const swaps: [string, string][] = [
        ["init: true", "init: false"],
        ["restart: unless-stopped", 'restart: "no"'],
        ['- "a=b"', "- 'a=c'"],
        ["depends_on: [db]", "depends_on: [ db, shared ]"],
        ["data: {}", "data: { driver: local }"],
      ];
      const [from, to] = pick(swaps);
      return (ls) => ls.map((l) => (l.trim() === from ? l.replace(from, to) : l));
    }
  }
}

/** returns whether the user edits changed anything */
function check(original: string, eol: string, seed: number): boolean {
  const rand = prng(seed);
  const services = buildable.filter(() => rand() < 0.7);
  if (services.length === 0) services.push("api");
  let pinned = original;
  const records: PinRecord[] = [];
  for (const s of services) {
    const r = pinService(pinned, s, `kiln.invalid/p-${s}:kiln-${seed.toString(16).padStart(12, "0")}`);
    pinned = r.text;
    records.push(r.record);
  }
  let a = original.split(eol);
  let b = pinned.split(eol);
  const count = 1 + Math.floor(rand() * 4);
  for (let n = 0; n < count; n++) {
    const edit = randomEdit(rand, stableLines(a, b), n);
    a = edit(a);
    b = edit(b);
  }
  let restored = b.join(eol);
  const order = rand() < 0.5 ? records : [...records].reverse();
  for (const r of order) restored = unpinText(restored, r.service, r);
  expect(restored, `seed ${seed}`).toBe(a.join(eol));
  return a.join(eol) !== original;
}

describe("unpin keeps the user's later edits (property, seeded)", () => {
  const variants: [string, string, string][] = [
    ["LF", nasty, "\n"],
    ["CRLF", nasty.replaceAll("\n", "\r\n"), "\r\n"],
    ["no trailing newline", nasty.trimEnd(), "\n"],
  ];
  for (const [name, text, eol] of variants) {
    it(`${name}: 70 random edit sequences`, () => {
      let edited = 0;
      for (let seed = 1; seed <= 70; seed++) if (check(text, eol, seed * 7919 + name.length)) edited++;
      expect(edited).toBeGreaterThan(60);
    });
  }
});
