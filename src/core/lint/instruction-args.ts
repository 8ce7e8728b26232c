/**
 * The arguments of one instruction: its leading `--flags` (values unquoted), a JSON (exec)
 * form, and shell-like words.
 */
import { slice, type Segment } from "./source-text.js";
import { splitCommands, type Word } from "./shell-words.js";

const FLAG = /^--([A-Za-z-]+)(?:=(.*))?$/s;

/** the home directory of a USER value when HOME is not set */

export function words(seg: Segment): Word[] {
  return splitCommands(seg).flatMap((c) => c.words);
}

/** the words after the keyword, split into leading `--flags` and the rest (as a segment) */
export function splitFlags(line: Segment): {
  keywordEnd: number;
  /** `start`/`end`: the flag's span in `line.text` (map to the file with `line.offs`) */
  flags: { name: string; value: string; start: number; end: number }[];
  rest: Segment;
} {
  const t = line.text;
  let i = 0;
  while (i < t.length && /\s/.test(t[i])) i++;
  while (i < t.length && !/\s/.test(t[i])) i++; // keyword
  let j = i;
  while (j < t.length && /\s/.test(t[j])) j++;
  const keywordEnd = j;
  const flags: { name: string; value: string; start: number; end: number }[] = [];
  for (;;) {
    if (!t.startsWith("--", j)) break;
    let k = j;
    let quote = "";
    while (k < t.length && (quote !== "" || !/\s/.test(t[k]))) {
      if (quote === "" && (t[k] === '"' || t[k] === "'")) quote = t[k]!;
      else if (t[k] === quote) quote = "";
      k++;
    }
    const m = FLAG.exec(t.slice(j, k));
    if (m)
      flags.push({
        name: m[1].toLowerCase(),
        value: (m[2] ?? "").replace(/^(["'])(.*)\1$/s, "$2"),
        start: j,
        end: k,
      });
    j = k;
    while (j < t.length && /\s/.test(t[j])) j++;
  }
  return { keywordEnd, flags, rest: slice(line, j, t.length) };
}

export function parseJsonArray(text: string): string[] | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith("[")) return undefined;
  try {
    const v: unknown = JSON.parse(trimmed);
    return Array.isArray(v) && v.every((x) => typeof x === "string") ? v : undefined;
  } catch {
    return undefined;
  }
}
