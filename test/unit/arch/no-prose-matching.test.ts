/**
 * #14.3/#14.4: nothing decides on a human `reason` text — plans and statuses carry a `cause`
 * (data) and their words are made in src/report/ only. A `reason.startsWith(…)` or
 * `reason.includes(…)` anywhere in src/ is that mistake coming back.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const src = path.resolve(import.meta.dirname, "../../../src");
/** a `reason` field of a kiln object (a status, a plan target, a result) matched as text */
const MATCHING =
  /\.reason\??\.(startsWith|endsWith|includes|indexOf|match|search)\(|\.test\([\w.?]*\.reason\b/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(path.join(dir, e.name))
      : e.name.endsWith(".ts")
        ? [path.join(dir, e.name)]
        : [],
  );
}

describe("no code matches on reason prose", () => {
  it("the pattern finds what it is meant to find", () => {
    expect(MATCHING.test("if (s.reason.startsWith(PARTLY_PINNED)) {")).toBe(true);
    expect(MATCHING.test("const missing = s.reason.includes(IMAGE_NOT_HERE);")).toBe(true);
    expect(MATCHING.test("if (/^skip/.test(t.reason)) {")).toBe(true);
    expect(MATCHING.test('if (s.cause.code === "partly-pinned") {')).toBe(false);
    // BuildKit's own error text, parsed: not a kiln reason
    expect(MATCHING.test("if (reason !== undefined && UNREACHABLE.test(reason)) {")).toBe(false);
  });

  it("src/ has none", () => {
    const hits = sources(src).flatMap((file) =>
      readFileSync(file, "utf8")
        .split("\n")
        .flatMap((line, i) =>
          MATCHING.test(line) ? [`${path.relative(src, file)}:${i + 1}: ${line.trim()}`] : [],
        ),
    );
    expect(hits).toEqual([]);
  });
});
