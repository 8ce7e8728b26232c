import { describe, expect, it } from "vitest";
import { parseDotenv } from "../../../src/core/compose/dotenv.js";

const toMap = (text: string, env: Record<string, string> = {}): Record<string, string> =>
  Object.fromEntries(parseDotenv(text, (n) => env[n]).map((e) => [e.key, e.value]));

describe("parseDotenv", () => {
  it("reads plain, quoted, exported and commented lines", () => {
    const text = [
      "# comment",
      "",
      "PLAIN=value",
      "SPACED = spaced value ",
      "INLINE=value # a comment",
      "HASH=a#b",
      'DOUBLE="a \\"quoted\\" value\\nnext"',
      "SINGLE='literal $PLAIN \\n'",
      "export EXPORTED=yes",
      "EMPTY=",
    ].join("\n");
    expect(toMap(text)).toEqual({
      PLAIN: "value",
      SPACED: "spaced value",
      INLINE: "value",
      HASH: "a#b",
      DOUBLE: 'a "quoted" value\nnext',
      SINGLE: "literal $PLAIN \\n",
      EXPORTED: "yes",
      EMPTY: "",
    });
  });

  it("expands earlier variables, then the environment, in unquoted and double-quoted values", () => {
    expect(toMap('A=one\nB=${A}-two\nC="${B}-three"\nD=${FROM_ENV:-none}', { FROM_ENV: "env" })).toEqual({
      A: "one",
      B: "one-two",
      C: "one-two-three",
      D: "env",
    });
  });

  it("keeps a multi-line double-quoted value and reports line numbers", () => {
    const entries = parseDotenv('KEY="line1\nline2"\nNEXT=1');
    expect(entries).toEqual([
      { key: "KEY", value: "line1\nline2", line: 1 },
      { key: "NEXT", value: "1", line: 3 },
    ]);
  });
});
