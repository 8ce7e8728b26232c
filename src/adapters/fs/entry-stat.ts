/**
 * lstat for the context walk, without an `fs.Stats` per entry. On Node 20 `lstatSync` builds a
 * Stats object with four `Date`s for every call — on a 6,000-file context half the walk's CPU
 * time and most of its garbage. The fs binding behind `lstatSync` fills one shared array with
 * the raw numbers; reading the five fields kiln uses from it gives the same values with no Date.
 *
 * That binding is Node's internal API (`process.binding`, deprecated): it is used only after it
 * gave, for the first path asked, exactly what `lstatSync` gives; when it is absent, refused
 * (permission model), shaped differently, or the user asked to hear of pending deprecations
 * (DEP0111 would be printed), every call goes through `lstatSync`.
 */
import { lstatSync } from "node:fs";

/** the fields of an lstat the walk and the stat cache read (a `Stats` is one) */
export interface EntryStat {
  mode: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

/**
 * lstat of `abs`: undefined when it does not exist (ENOENT, ENOTDIR); other errors are thrown as
 * lstatSync throws them. The result may be one object refilled by the next call: read its fields
 * before asking for another entry (the walk does).
 */
export type EntryLstat = (abs: string) => EntryStat | undefined;

export type RawLstat = (
  path: string,
  bigint: false,
  req: undefined,
  throwIfNoEntry: boolean,
) => ArrayLike<number> | undefined;

/** Node 20's statValues layout (src/node_file.h): mode 1, ino 7, size 8, mtime 12–13, ctime 14–15 (seconds, nanoseconds) */
const MODE = 1;
const INO = 7;
const SIZE = 8;
const MTIME_S = 12;
const MTIME_NS = 13;
const CTIME_S = 14;
const CTIME_NS = 15;

let chosen: EntryLstat | undefined;

/** The lstat to walk with: the binding's when it checks out against `lstatSync` on `probe`, else `lstatSync`. */
export function entryLstat(probe: string): EntryLstat {
  chosen ??= chooseLstat(probe, rawBinding());
  return chosen;
}

/** `raw`: the binding's lstat, or undefined (exported for tests) */
export function chooseLstat(probe: string, raw: RawLstat | undefined): EntryLstat {
  if (raw !== undefined) {
    try {
      const fast = fromBinding(raw);
      if (sameEntry(fast(probe), lstatSync(probe, { throwIfNoEntry: false }))) return fast;
    } catch {
      // a binding that throws on a path lstatSync reads is not the one this module knows
    }
  }
  return lstatEntry;
}

function fromBinding(raw: RawLstat): EntryLstat {
  // one object, refilled by every call: a walk reads an entry's fields before it asks for the
  // next entry, and 6,000 objects with their boxed doubles were garbage of every no-op bake
  // (fractional values from the start, so that its time fields are doubles updated in place)
  const entry: EntryStat = { mode: 0, size: 0, mtimeMs: 0.5, ctimeMs: 0.5, ino: 0 };
  return (abs) => {
    let a: ArrayLike<number> | undefined;
    try {
      a = raw(abs, false, undefined, false);
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === "ENOTDIR") return undefined;
      throw cause;
    }
    if (a === undefined) return undefined;
    entry.mode = a[MODE];
    entry.size = a[SIZE];
    // how Node computes Stats' *Ms fields (lib/internal/fs/utils.js msFromTimeSpec): same doubles
    entry.mtimeMs = a[MTIME_S] * 1e3 + a[MTIME_NS] / 1e6;
    entry.ctimeMs = a[CTIME_S] * 1e3 + a[CTIME_NS] / 1e6;
    entry.ino = a[INO];
    return entry;
  };
}

/** through `lstatSync` (exported for tests) */
export function lstatEntry(abs: string): EntryStat | undefined {
  try {
    return lstatSync(abs, { throwIfNoEntry: false });
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "ENOTDIR") return undefined;
    throw cause;
  }
}

function sameEntry(a: EntryStat | undefined, b: EntryStat | undefined): boolean {
  return (
    a !== undefined &&
    b !== undefined &&
    a.mode === b.mode &&
    a.size === b.size &&
    a.mtimeMs === b.mtimeMs &&
    a.ctimeMs === b.ctimeMs &&
    a.ino === b.ino
  );
}

/** the fs binding's lstat, unless unavailable or unwanted (exported for tests) */
export function rawBinding(): RawLstat | undefined {
  const env = process.env;
  const pending = (flags: string | undefined): boolean => flags?.includes("--pending-deprecation") ?? false;
  if (
    env.NODE_PENDING_DEPRECATION === "1" ||
    pending(env.NODE_OPTIONS) ||
    pending(process.execArgv.join(" "))
  )
    return undefined;
  try {
    const binding = (process as unknown as { binding(name: string): { lstat?: unknown } }).binding("fs");
    return typeof binding.lstat === "function" ? (binding.lstat.bind(binding) as RawLstat) : undefined;
  } catch {
    return undefined;
  }
}
