/**
 * The compose loader's memo of parsed files, in kiln's state root (never in a build context):
 * one entry per compose file path, holding the parses of the last few texts it had. The
 * whole-model memo (compose-model-cache.ts) misses whenever a variable the files read changes —
 * `NONCE=2 kiln bake` — and the project is loaded again; with this memo that load interpolates
 * and validates the kept values of every file whose text is one parsed before, instead of loading
 * the YAML parser and parsing (#14). A file a bake has just pinned has a new text: it is parsed.
 *
 * Kept only when JSON gives the same values back: no `!reset`/`!override` markers (a symbol and
 * a class), no number JSON cannot write (±Infinity, NaN, -0), nothing but plain objects, arrays,
 * strings, booleans and null, and no `__proto__` key.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { sha1Hex } from "../core/digest.js";
import type { ParsedFileMemo } from "../core/compose/io.js";
import { isDict } from "../core/compose/canonical.js";
import type { KeyPosition } from "../core/compose/yaml-tree.js";
import { writeCacheFile } from "./fs/cache-file.js";

/** bumped when ParsedFile's shape or the parser's output changes */
const VERSION = 1;
/**
 * texts kept per file: kiln loads a pinned file both as it is on disk and with its pins undone,
 * two texts of one path in every bake
 */
const KEPT = 4;

interface Parse {
  /** sha1 of the text parsed */
  text: string;
  data: Record<string, unknown>;
  positions: [string, KeyPosition][];
}

interface Entry {
  version: typeof VERSION;
  /** the newest first */
  parses: Parse[];
}

/** true when JSON.parse(JSON.stringify(value)) is the same value */
export function jsonExact(value: unknown): boolean {
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!(i in value) || !jsonExact(value[i])) return false;
    return true;
  }
  if (typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  if (Object.getOwnPropertySymbols(value).length > 0) return false;
  for (const [key, v] of Object.entries(value)) if (key === "__proto__" || !jsonExact(v)) return false;
  return true;
}

/** the memo kept in `dir` (kiln's state root's models/) */
export function parsedFileMemo(dir: string): ParsedFileMemo {
  const entryFile = (file: string): string => path.join(dir, `parsed-${sha1Hex(file)}.json`);
  // read at each call: what it returns is parsed anew, objects the loader may change (it
  // interpolates in place); a miss reads the small file twice (get, then set)
  const read = (file: string): Parse[] => {
    try {
      const entry = JSON.parse(readFileSync(entryFile(file), "utf8")) as Entry;
      return entry.version === VERSION && Array.isArray(entry.parses) ? entry.parses : [];
    } catch {
      return [];
    }
  };
  return {
    get(file, text) {
      const digest = sha1Hex(text);
      // an entry of another shape (a file edited by hand) is no entry
      const hit = read(file).find((p) => p.text === digest && isDict(p.data) && Array.isArray(p.positions));
      return hit ? { file, data: hit.data, positions: new Map(hit.positions), hasMarkers: false } : undefined;
    },
    set(file, text, parsed) {
      if (parsed.hasMarkers || !jsonExact(parsed.data)) return;
      const digest = sha1Hex(text);
      const parse: Parse = { text: digest, data: parsed.data, positions: [...parsed.positions] };
      const parses = [parse, ...read(file).filter((p) => p.text !== digest)].slice(0, KEPT);
      // a memo we cannot write only costs the next load the parse
      writeCacheFile(entryFile(file), JSON.stringify({ version: VERSION, parses } satisfies Entry));
    },
  };
}
