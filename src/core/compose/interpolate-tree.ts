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
  // in place: the converter made fresh values (aliases are copied), so nothing is shared
  walk(parsed.data, [], parsed, lookup);
}

/** interpolates the strings inside `container`; `path` is its key path (joined only on error) */
function walk(container: unknown, path: string[], parsed: ParsedFile, lookup: Lookup): void {
  if (container instanceof OverrideValue) {
    walk(container.value, path, parsed, lookup);
    return;
  }
  const entries: [string | number, unknown][] = Array.isArray(container)
    ? (container as unknown[]).map((v, i) => [i, v])
    : isDict(container)
      ? Object.entries(container)
      : [];
  const target = container as Record<string | number, unknown>;
  for (const [k, v] of entries) {
    if (typeof v === "string") {
      if (v.includes("$")) target[k] = interpolateValue(v, String(k), path, parsed, lookup);
    } else if (v instanceof OverrideValue && typeof v.value === "string") {
      target[k] = new OverrideValue(interpolateValue(v.value, String(k), path, parsed, lookup));
    } else if (typeof v === "object" && v !== null) {
      path.push(String(k));
      walk(v, path, parsed, lookup);
      path.pop();
    }
  }
}

function interpolateValue(
  value: string,
  key: string,
  parent: string[],
  parsed: ParsedFile,
  lookup: Lookup,
): unknown {
  const out = interpolate(value, [...parent, key].join(SEP), parsed, lookup);
  if (BOOL_KEYS.has(key) && (out === "true" || out === "false")) return out === "true";
  if (INT_KEYS.has(key) && /^-?\d+$/.test(out)) return Number(out);
  return out;
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
