/**
 * `.dockerignore` patterns with the semantics of the code BuildKit's context sender runs
 * (moby/patternmatcher + tonistiigi/fsutil), re-implemented here because @balena/dockerignore
 * differs on regexp metacharacters (`+ ( ) | { }`), on case (it ignores case by default) and on
 * `**foo` suffix patterns. Reference: https://docs.docker.com/build/concepts/context/#dockerignore-files
 */
import path from "node:path";
import { KilnError } from "../errors.js";

/** Per-pattern results for a directory, handed to its children (patternmatcher's MatchInfo). */
export type MatchInfo = readonly boolean[];

/**
 * Whose sender walks the context: "buildkit" = the buildx plugin (current fsutil and
 * patternmatcher); "legacy" = the Docker 20.10 CLI with DOCKER_BUILDKIT=1, whose vendored fsutil
 * escapes only `.` and `$`, checks one parent prefix per pattern, and never enters an excluded
 * directory for a wildcard exception. Both verified against the engine
 * (test/integration/fingerprint-docker-context.test.ts).
 */
export type ContextDialect = "buildkit" | "legacy";

type MatchType = "exact" | "prefix" | "suffix" | "regexp";

export interface IgnorePattern {
  /** the cleaned pattern, without the leading `!` */
  readonly text: string;
  /** true for a `!` line: an exception that re-includes what it matches */
  readonly exclusion: boolean;
  match(file: string): boolean;
}

/** Go's filepath.Clean for slash-separated paths. */
export function cleanPath(p: string): string {
  if (p === "") return ".";
  const n = path.posix.normalize(p);
  return n.length > 1 && n.endsWith("/") ? n.slice(0, -1) : n;
}

/** The lines of an ignore file as the sender receives them (patternmatcher/ignorefile.ReadAll). */
export function readIgnoreLines(text: string): string[] {
  const out: string[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    if (line.endsWith("\r")) line = line.slice(0, -1);
    if (i === 0 && line.startsWith("\uFEFF")) line = line.slice(1);
    if (line.startsWith("#")) continue;
    line = line.trim();
    if (line === "") continue;
    const invert = line.startsWith("!");
    if (invert) line = line.slice(1).trim();
    if (line.length > 0) {
      line = cleanPath(line);
      if (line.length > 1 && line.startsWith("/")) line = line.slice(1);
    }
    out.push(invert ? `!${line}` : line);
  }
  return out;
}

const ESCAPED = new Set([".", "+", "(", ")", "|", "{", "}", "$"]);
const LEGACY_ESCAPED = new Set([".", "$"]);

function compilePattern(
  text: string,
  exclusion: boolean,
  source: string,
  dialect: ContextDialect,
): IgnorePattern {
  const escaped = dialect === "legacy" ? LEGACY_ESCAPED : ESCAPED;
  const chars = Array.from(text);
  let re = "^";
  let type: MatchType = "exact";
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    if (ch === "*") {
      if (chars[i + 1] === "*") {
        const first = i === 0;
        i++;
        if (chars[i + 1] === "/") i++;
        if (i + 1 >= chars.length) {
          if (type === "exact" && dialect === "buildkit") type = "prefix";
          else {
            re += ".*";
            type = "regexp";
          }
        } else {
          re += "(.*/)?";
          type = "regexp";
        }
        if (first) type = "suffix";
      } else {
        re += "[^/]*";
        type = "regexp";
      }
    } else if (ch === "?") {
      re += "[^/]";
      type = "regexp";
    } else if (escaped.has(ch)) {
      re += `\\${ch}`;
    } else if (ch === "\\") {
      if (i + 1 >= chars.length) throw badPattern(text, source);
      re += `\\${chars[++i]}`;
      type = "regexp";
    } else if (ch === "[" || ch === "]") {
      re += ch;
      type = "regexp";
    } else {
      re += ch;
    }
  }
  // the legacy matcher had no shortcuts: everything went through the regexp
  const match = matcherFor(dialect === "legacy" ? "regexp" : type, text, `${re}$`, source);
  return { text, exclusion, match };
}

function matcherFor(type: MatchType, text: string, re: string, source: string): (file: string) => boolean {
  switch (type) {
    case "exact":
      return (file) => file === text;
    case "prefix": {
      const prefix = text.slice(0, -2);
      return (file) => file.startsWith(prefix);
    }
    case "suffix": {
      const suffix = text.slice(2);
      return (file) => file.endsWith(suffix) || (suffix.startsWith("/") && file === suffix.slice(1));
    }
    case "regexp": {
      const regexp = compileRegExp(re, text, source);
      return (file) => regexp.test(file);
    }
  }
}

function compileRegExp(re: string, text: string, source: string): RegExp {
  // Go's regexp works on runes: the `u` flag matches `?` to one code point like Go does. Without
  // it, identity escapes such as `\-` (valid in Go) still compile.
  try {
    return new RegExp(re, "u");
  } catch {
    try {
      return new RegExp(re);
    } catch (cause) {
      throw badPattern(text, source, cause);
    }
  }
}

function badPattern(text: string, source: string, cause?: unknown): KilnError {
  return new KilnError("ERR_KILN_COMPOSE_INVALID", `invalid pattern "${text}" in ${source}`, {
    hint: "fix the pattern: Docker rejects it too (see https://docs.docker.com/build/concepts/context/#syntax)",
    location: source,
    cause,
  });
}

/** The exclude patterns of one context, matched the way BuildKit's context sender does. */
export class ExcludeMatcher {
  readonly patterns: readonly IgnorePattern[];
  readonly hasExclusions: boolean;
  /** fsutil's onlyPrefixExcludeExceptions: every `!` pattern is a plain path prefix */
  private readonly onlyPrefixExceptions: boolean;

  /** `lines` as returned by readIgnoreLines; `source` names the ignore file in errors. */
  constructor(
    lines: readonly string[],
    source = ".dockerignore",
    readonly dialect: ContextDialect = "buildkit",
  ) {
    const patterns: IgnorePattern[] = [];
    for (const raw of lines) {
      let p = raw.trim();
      if (p === "") continue;
      p = cleanPath(p);
      let exclusion = false;
      if (p.startsWith("!")) {
        if (p.length === 1) throw badPattern("!", source);
        exclusion = true;
        p = p.slice(1);
      }
      patterns.push(compilePattern(p, exclusion, source, dialect));
    }
    this.patterns = patterns;
    this.hasExclusions = patterns.some((p) => p.exclusion);
    this.onlyPrefixExceptions = !patterns.some(
      (p) => p.exclusion && /[*[\]?^\\]/.test(withoutTrailingGlob(p.text)),
    );
  }

  /** patternmatcher.MatchesUsingParentResults: is `file` excluded, and the info for its children. */
  matches(file: string, parent: MatchInfo = []): { excluded: boolean; info: MatchInfo } {
    if (this.dialect === "legacy") return { excluded: this.legacyMatches(file), info: [] };
    const info: boolean[] = new Array<boolean>(this.patterns.length);
    let matched = false;
    for (let i = 0; i < this.patterns.length; i++) {
      const pattern = this.patterns[i];
      let match = parent.length !== 0 ? parent[i] : false;
      if (!match) {
        if (pattern.exclusion !== matched) {
          info[i] = false;
          continue;
        }
        match = pattern.match(file);
        if (!match && parent.length === 0) match = matchesParent(pattern, file);
      }
      info[i] = match;
      if (match) matched = !pattern.exclusion;
    }
    return { excluded: matched, info };
  }

  /**
   * For an excluded directory: whether the sender still walks into it (an exception might
   * re-include something inside). fsutil skips it only when every exception is a plain prefix
   * and none lies under it — so `!**\/keep` does reach into excluded dirs, `!keep` does not.
   */
  walksExcludedDir(dir: string): boolean {
    if (!this.onlyPrefixExceptions && this.dialect === "buildkit") return true;
    if (!this.hasExclusions) return false;
    const dirSlash = `${dir}/`;
    const prefixOf = this.dialect === "buildkit" ? withoutTrailingGlob : (text: string) => text;
    return this.patterns.some((p) => p.exclusion && `${prefixOf(p.text)}/`.startsWith(dirSlash));
  }

  /** The old PatternMatcher.Matches: the pattern, or the one parent prefix as deep as the pattern. */
  private legacyMatches(file: string): boolean {
    const parent = path.posix.dirname(file);
    const parentDirs = parent.split("/");
    let matched = false;
    for (const pattern of this.patterns) {
      let match = pattern.match(file);
      if (!match && parent !== ".") {
        const depth = pattern.text.split("/").length;
        if (depth <= parentDirs.length) match = pattern.match(parentDirs.slice(0, depth).join("/"));
      }
      if (match) matched = !pattern.exclusion;
    }
    return matched;
  }
}

function matchesParent(pattern: IgnorePattern, file: string): boolean {
  const parent = path.posix.dirname(file);
  if (parent === ".") return false;
  const dirs = parent.split("/");
  for (let i = 1; i <= dirs.length; i++) {
    if (pattern.match(dirs.slice(0, i).join("/"))) return true;
  }
  return false;
}

function withoutTrailingGlob(text: string): string {
  let t = text;
  if (t.endsWith("/**")) t = t.slice(0, -3);
  if (t.endsWith("/*")) t = t.slice(0, -2);
  return t;
}
