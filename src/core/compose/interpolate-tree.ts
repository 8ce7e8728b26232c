/**
 * Applies interpolation to every string value of a parsed file (keys are left alone, as
 * compose does), turning failures into KilnErrors that point at the file and line.
 */
import { KilnError } from "../errors.js";
import { isDict } from "./canonical.js";
import { InterpolationError, interpolateString, type Lookup } from "./interpolate.js";
import { locate, OverrideValue, SEP, type ParsedFile } from "./yaml-tree.js";

// keys compose casts back to booleans/numbers after interpolation, so `${DEBUG:-false}` validates
const BOOL_KEYS = new Set([
  "no_cache",
  "pull",
  "read_only",
  "privileged",
  "external",
  "init",
  "tty",
  "stdin_open",
  "disable",
  "required",
]);
const INT_KEYS = new Set(["cpu_count", "cpu_shares", "pids_limit", "scale", "replicas", "retries"]);

export function interpolateFile(parsed: ParsedFile, lookup: Lookup): void {
  parsed.data = walk(parsed.data, "", parsed, lookup) as Record<string, unknown>;
}

function walk(value: unknown, path: string, parsed: ParsedFile, lookup: Lookup): unknown {
  if (typeof value === "string") {
    if (!value.includes("$")) return value;
    const key = path.slice(path.lastIndexOf(SEP) + 1);
    const out = interpolate(value, path, parsed, lookup);
    if (BOOL_KEYS.has(key) && (out === "true" || out === "false")) return out === "true";
    if (INT_KEYS.has(key) && /^-?\d+$/.test(out)) return Number(out);
    return out;
  }
  if (Array.isArray(value)) return value.map((v, i) => walk(v, `${path}${SEP}${i}`, parsed, lookup));
  if (value instanceof OverrideValue) return new OverrideValue(walk(value.value, path, parsed, lookup));
  if (isDict(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[k] = walk(v, path === "" ? k : `${path}${SEP}${k}`, parsed, lookup);
    return out;
  }
  return value;
}

function interpolate(value: string, path: string, parsed: ParsedFile, lookup: Lookup): string {
  try {
    return interpolateString(value, lookup);
  } catch (error: unknown) {
    if (!(error instanceof InterpolationError)) throw error;
    const key = path.split(SEP).join(".");
    throw new KilnError("ERR_KILN_COMPOSE_INTERPOLATION", `${key}: ${error.message}`, {
      location: locate(parsed, path),
      cause: error,
      hint:
        error.kind === "required"
          ? "set the variable in the environment, in .env, or pass --env-file"
          : "write `$$` for a literal `$`, and close every `${`",
    });
  }
}
