import { describe, expect, it } from "vitest";
import { InterpolationError, interpolateString } from "../../../src/core/compose/interpolate.js";

const vars: Record<string, string> = { SET: "value", EMPTY: "" };
const lookup = (n: string): string | undefined => vars[n];
const run = (s: string): string => interpolateString(s, lookup);

describe("interpolateString", () => {
  it.each([
    ["${SET}", "value"],
    ["$SET", "value"],
    ["pre-$SET-post", "pre-value-post"],
    ["${UNSET}", ""],
    ["$UNSET", ""],
    ["${UNSET:-d}", "d"],
    ["${EMPTY:-d}", "d"],
    ["${EMPTY-d}", ""],
    ["${UNSET-d}", "d"],
    ["${SET:-d}", "value"],
    ["${SET:+alt}", "alt"],
    ["${EMPTY:+alt}", ""],
    ["${EMPTY+alt}", "alt"],
    ["${UNSET+alt}", ""],
    ["${SET:?boom}", "value"],
    ["${EMPTY?boom}", ""],
    ["${UNSET:-${SET}-nested}", "value-nested"],
    ["${UNSET:-${ALSO_UNSET:-deep}}", "deep"],
    ["$$SET", "$SET"],
    ["$${SET}", "${SET}"],
    ["100$", "100$"],
    ["a $ b", "a $ b"],
    ["no dollars", "no dollars"],
  ])("%s → %s", (input, expected) => {
    expect(run(input)).toBe(expected);
  });

  it("rejects a missing required variable with its message", () => {
    expect(() => run("${UNSET:?set it first}")).toThrow(
      /required variable UNSET is missing a value: set it first/,
    );
    expect(() => run("${EMPTY:?x}")).toThrow(InterpolationError);
    expect(() => run("${UNSET?x}")).toThrow(InterpolationError);
  });

  it("rejects malformed expressions", () => {
    expect(() => run("${SET")).toThrow(/invalid interpolation format/);
    expect(() => run("${1BAD}")).toThrow(/invalid interpolation format/);
    expect(() => run("${SET:x}")).toThrow(/invalid interpolation format/);
  });
});
