/**
 * Walks a build context the way BuildKit's sender (tonistiigi/fsutil's filter walk) does:
 * excluded entries are left out, an excluded directory is still entered when an exception might
 * re-include something below it, and such a directory is sent only when something inside it is.
 * Symlinks are never followed. One lstat per sent entry; excluded entries cost no syscall.
 */
import { constants, lstatSync, readdirSync, type Dirent } from "node:fs";
import path from "node:path";
import type { ExcludeMatcher, MatchInfo } from "../../core/fingerprint/dockerignore-patterns.js";
import { KilnError } from "../../core/errors.js";
import { entryLstat, type EntryLstat, type EntryStat } from "./entry-stat.js";

const { S_IFMT, S_IFDIR } = constants;

/** `rel`: context-relative, `/`-separated (three arguments, not an object: 20,000 calls per walk) */
export type WalkVisitor = (rel: string, abs: string, stats: EntryStat) => void;

export interface WalkOptions {
  matcher?: ExcludeMatcher;
  /** absolute paths left out entirely (kiln's own files) */
  excludePaths?: ReadonlySet<string>;
  /** only the entries the build reads: others are neither sent nor entered */
  select?: (rel: string) => boolean;
}

interface PendingDir {
  rel: string;
  abs: string;
  sent: boolean;
}

/**
 * Calls `visit` for every entry the sender would transfer, parents before children, names
 * sorted within each directory (a fixed order for a given tree).
 */
export function walkContext(root: string, options: WalkOptions, visit: WalkVisitor): void {
  const { matcher, select } = options;
  // an empty set is skipped: looking a fresh path string up hashes it, 20,000 times a walk
  const excludePaths = options.excludePaths?.size ? options.excludePaths : undefined;
  const absRoot = path.resolve(root);
  const lstat = entryLstat(absRoot);

  const sendPending = (pending: PendingDir[]): void => {
    for (const dir of pending) {
      if (dir.sent) continue;
      dir.sent = true;
      visit(dir.rel, dir.abs, lstatSync(dir.abs));
    }
  };

  const walkDir = (
    abs: string,
    rel: string,
    parentInfo: MatchInfo,
    pending: PendingDir[],
    excluded: boolean,
  ): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(abs, { withFileTypes: true }).sort(byName);
    } catch (cause) {
      // fsutil ignores permission errors inside excluded directories only
      if (excluded && (cause as NodeJS.ErrnoException).code === "EACCES") return;
      throw unreadable(abs, cause);
    }
    const absPrefix = abs.endsWith("/") ? abs : `${abs}/`;
    const relPrefix = rel === "" ? "" : `${rel}/`;
    for (const entry of entries) {
      const childRel = relPrefix + entry.name;
      const childAbs = absPrefix + entry.name;
      if (excludePaths?.has(childAbs)) continue;
      if (select && !select(childRel)) continue;
      const isDir = entry.isDirectory();
      let info: MatchInfo = NO_INFO;
      if (matcher) {
        const m = matcher.matches(childRel, parentInfo);
        info = m.info;
        if (m.excluded) {
          if (isDir && matcher.walksExcludedDir(childRel)) {
            walkDir(
              childAbs,
              childRel,
              info,
              [...pending, { rel: childRel, abs: childAbs, sent: false }],
              true,
            );
          }
          continue;
        }
      }
      const stats = lstatOrSkip(lstat, childAbs);
      if (stats === undefined) continue; // removed since readdir: fsutil skips it too
      if (pending.length > 0) sendPending(pending);
      visit(childRel, childAbs, stats);
      if (isDir) walkDir(childAbs, childRel, info, [], false);
    }
  };

  // Without an ignore file nothing is excluded, so every entry is lstat'ed anyway: its type comes
  // from that lstat, and the listing is plain names (no Dirent per entry, a plain string sort —
  // the same order as byName: both compare UTF-16 code units).
  const walkAll = (abs: string, rel: string): void => {
    let names: string[];
    try {
      names = readdirSync(abs).sort();
    } catch (cause) {
      throw unreadable(abs, cause);
    }
    const absPrefix = abs.endsWith("/") ? abs : `${abs}/`;
    const relPrefix = rel === "" ? "" : `${rel}/`;
    for (const name of names) {
      const childRel = relPrefix + name;
      const childAbs = absPrefix + name;
      if (excludePaths?.has(childAbs)) continue;
      if (select && !select(childRel)) continue;
      const stats = lstatOrSkip(lstat, childAbs);
      if (stats === undefined) continue; // removed since readdir: fsutil skips it too
      visit(childRel, childAbs, stats);
      if ((stats.mode & S_IFMT) === S_IFDIR) walkAll(childAbs, childRel);
    }
  };

  if (matcher === undefined) walkAll(absRoot, "");
  else walkDir(absRoot, "", [], [], false);
}

/** shared by every entry when there is no ignore file (MatchInfo is read-only): no array per entry */
const NO_INFO: MatchInfo = [];

function byName(a: Dirent, b: Dirent): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** undefined for an entry removed since readdir */
function lstatOrSkip(lstat: EntryLstat, abs: string): EntryStat | undefined {
  try {
    return lstat(abs);
  } catch (cause) {
    throw unreadable(abs, cause);
  }
}

function unreadable(abs: string, cause: unknown): KilnError {
  return new KilnError("ERR_KILN_CONTEXT_MISSING", `cannot read ${abs} in the build context`, {
    hint: "docker build would fail on it too: fix its permissions or add it to .dockerignore",
    cause,
  });
}
