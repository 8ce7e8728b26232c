/**
 * Variable interpolation as compose does it, on every string value after parsing:
 * `$$`, `$VAR`, `${VAR}`, `${VAR:-d}`, `${VAR-d}`, `${VAR:?msg}`, `${VAR?msg}`, `${VAR:+x}`,
 * `${VAR+x}`; defaults and replacements are interpolated themselves.
 * https://github.com/compose-spec/compose-spec/blob/main/spec.md#interpolation
 */
export type Lookup = (name: string) => string | undefined;

export class InterpolationError extends Error {
  constructor(
    message: string,
    readonly kind: "required" | "syntax",
  ) {
    super(message);
  }
}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

export function interpolateString(input: string, lookup: Lookup): string {
  if (!input.includes("$")) return input;
  let out = "";
  let i = 0;
  while (i < input.length) {
    const ch = input[i];
    if (ch !== "$") {
      out += ch;
      i++;
      continue;
    }
    const next = input[i + 1];
    if (next === "$") {
      out += "$";
      i += 2;
    } else if (next === "{") {
      const end = closingBrace(input, i + 2);
      if (end < 0)
        throw new InterpolationError(`invalid interpolation format for "${input}": missing "}"`, "syntax");
      out += braced(input.slice(i + 2, end), input, lookup);
      i = end + 1;
    } else if (next !== undefined && NAME_START.test(next)) {
      let j = i + 1;
      while (j < input.length && NAME_CHAR.test(input[j])) j++;
      out += lookup(input.slice(i + 1, j)) ?? "";
      i = j;
    } else {
      out += "$";
      i++;
    }
  }
  return out;
}

function closingBrace(s: string, from: number): number {
  let depth = 1;
  for (let i = from; i < s.length; i++) {
    if (s[i] === "$" && s[i + 1] === "{") {
      depth++;
      i++;
    } else if (s[i] === "}" && --depth === 0) return i;
  }
  return -1;
}

function braced(body: string, whole: string, lookup: Lookup): string {
  let j = 0;
  if (!NAME_START.test(body[0] ?? "")) throw syntax(whole);
  while (j < body.length && NAME_CHAR.test(body[j])) j++;
  const name = body.slice(0, j);
  const rest = body.slice(j);
  const value = lookup(name);
  if (rest === "") return value ?? "";
  const colon = rest.startsWith(":");
  const op = rest[colon ? 1 : 0];
  const arg = rest.slice(colon ? 2 : 1);
  // with ":" an empty value counts as unset
  const set = colon ? value !== undefined && value !== "" : value !== undefined;
  switch (op) {
    case "-":
      return set ? (value as string) : interpolateString(arg, lookup);
    case "+":
      return set ? interpolateString(arg, lookup) : "";
    case "?":
      if (set) return value as string;
      throw new InterpolationError(
        `required variable ${name} is missing a value${arg === "" ? "" : `: ${interpolateString(arg, lookup)}`}`,
        "required",
      );
    default:
      throw syntax(whole);
  }
}

function syntax(whole: string): InterpolationError {
  return new InterpolationError(`invalid interpolation format for "${whole}"`, "syntax");
}
