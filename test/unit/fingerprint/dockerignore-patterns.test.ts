import { describe, expect, it } from "vitest";
import {
  ExcludeMatcher,
  cleanPath,
  readIgnoreLines,
} from "../../../src/core/fingerprint/dockerignore-patterns.js";
import { KilnError } from "../../../src/core/errors.js";

/** Whether `file` is excluded, matching without parent results (patternmatcher.MatchesOrParentMatches). */
function excluded(patterns: string, file: string): boolean {
  return new ExcludeMatcher(readIgnoreLines(patterns)).matches(file).excluded;
}

describe("readIgnoreLines", () => {
  it("drops comments and blanks, trims, cleans and strips a leading slash", () => {
    const text =
      "\uFEFF# comment\n\n  /foo/bar/  \r\n! /baz/../qux\n  # not a comment after spaces\n./a//b\n";
    expect(readIgnoreLines(text)).toEqual(["foo/bar", "!qux", "# not a comment after spaces", "a/b"]);
  });

  it("cleans like Go's filepath.Clean", () => {
    expect(cleanPath("")).toBe(".");
    expect(cleanPath("a/b/")).toBe("a/b");
    expect(cleanPath("/")).toBe("/");
    expect(cleanPath("/../a")).toBe("/a");
    expect(cleanPath("../a/./b")).toBe("../a/b");
  });
});

describe("ExcludeMatcher", () => {
  it("matches * within one path segment only", () => {
    expect(excluded("*.log", "a.log")).toBe(true);
    expect(excluded("*.log", "sub/a.log")).toBe(false);
    expect(excluded("*/*.log", "sub/a.log")).toBe(true);
  });

  it("matches ** across any number of directories, including none", () => {
    expect(excluded("**/*.log", "a.log")).toBe(true);
    expect(excluded("**/*.log", "x/y/z/a.log")).toBe(true);
    expect(excluded("a/**/b", "a/b")).toBe(true);
    expect(excluded("a/**/b", "a/x/y/b")).toBe(true);
    expect(excluded("a/**", "a/x/y")).toBe(true);
    expect(excluded("**", "anything/at/all")).toBe(true);
  });

  it("treats **name as a plain suffix, as Docker does", () => {
    expect(excluded("**foo", "barfoo")).toBe(true);
    expect(excluded("**/foo", "barfoo")).toBe(false);
    expect(excluded("**/foo", "foo")).toBe(true);
  });

  it("excludes everything below an excluded directory", () => {
    expect(excluded("node_modules", "node_modules/pkg/index.js")).toBe(true);
    expect(excluded("/node_modules", "node_modules/pkg/index.js")).toBe(true);
    expect(excluded("node_modules", "web/node_modules/pkg/index.js")).toBe(false);
  });

  it("lets a later ! line re-include, and a later exclude win again", () => {
    expect(excluded("*.md\n!README.md", "README.md")).toBe(false);
    expect(excluded("*.md\n!README.md", "CHANGES.md")).toBe(true);
    expect(excluded("!README.md\n*.md", "README.md")).toBe(true);
    expect(excluded("docs\n!docs/keep", "docs/keep/a.txt")).toBe(false);
  });

  it("takes regexp metacharacters literally and is case-sensitive", () => {
    expect(excluded("p+q.txt", "p+q.txt")).toBe(true);
    expect(excluded("p+q.txt", "ppq.txt")).toBe(false);
    expect(excluded("a(b)|c{1}$", "a(b)|c{1}$")).toBe(true);
    expect(excluded("a.txt", "abtxt")).toBe(false);
    expect(excluded("README", "readme")).toBe(false);
  });

  it("supports ?, character classes and escapes", () => {
    expect(excluded("file?.txt", "file1.txt")).toBe(true);
    expect(excluded("file?.txt", "file/.txt")).toBe(false);
    expect(excluded("file[0-9].txt", "file5.txt")).toBe(true);
    expect(excluded("file[^0-9].txt", "file5.txt")).toBe(false);
    expect(excluded("\\*.txt", "*.txt")).toBe(true);
    expect(excluded("\\*.txt", "a.txt")).toBe(false);
    expect(excluded("caf?", "café")).toBe(true);
  });

  it("rejects patterns Docker rejects", () => {
    expect(() => new ExcludeMatcher(["!"])).toThrow(KilnError);
    expect(() => new ExcludeMatcher(["file[0-9"])).toThrow(/invalid pattern/);
    expect(() => new ExcludeMatcher(["trailing\\"])).toThrow(KilnError);
  });

  it("uses the parent's results for entries below it", () => {
    const m = new ExcludeMatcher(readIgnoreLines("build\n!build/keep.txt"));
    const dir = m.matches("build");
    expect(dir.excluded).toBe(true);
    expect(m.matches("build/other.txt", dir.info).excluded).toBe(true);
    expect(m.matches("build/keep.txt", dir.info).excluded).toBe(false);
  });

  it("enters an excluded directory only when an exception may reach into it", () => {
    const prefix = new ExcludeMatcher(readIgnoreLines("build\nlogs\n!build/keep.txt"));
    expect(prefix.walksExcludedDir("build")).toBe(true);
    expect(prefix.walksExcludedDir("logs")).toBe(false);
    expect(new ExcludeMatcher(["logs"]).walksExcludedDir("logs")).toBe(false);
    const wildcard = new ExcludeMatcher(readIgnoreLines("build\nlogs\n!**/keep.txt"));
    expect(wildcard.walksExcludedDir("logs")).toBe(true);
    // a trailing /** or /* does not make an exception a wildcard one
    const trailing = new ExcludeMatcher(readIgnoreLines("build\nlogs\n!build/keep/**"));
    expect(trailing.walksExcludedDir("build")).toBe(true);
    expect(trailing.walksExcludedDir("logs")).toBe(false);
  });
});

describe("ExcludeMatcher, legacy 20.10 client dialect", () => {
  const legacy = (patterns: string, file: string) =>
    new ExcludeMatcher(readIgnoreLines(patterns), ".dockerignore", "legacy").matches(file).excluded;

  it("escapes only . and $, so + ( ) | { } keep their regexp meaning", () => {
    expect(legacy("p+q.txt", "p+q.txt")).toBe(false);
    expect(legacy("p+q.txt", "ppq.txt")).toBe(true);
    expect(legacy("a.txt", "abtxt")).toBe(false);
  });

  it("has no suffix shortcut: **name needs a path boundary", () => {
    expect(legacy("**foo", "barfoo")).toBe(false);
    expect(legacy("**foo", "bar/foo")).toBe(true);
  });

  it("checks the one parent prefix as deep as the pattern", () => {
    expect(legacy("docs", "docs/a/b.md")).toBe(true);
    expect(legacy("**/*.tmp", "deep/er/x.tmp")).toBe(true);
    expect(legacy("docs\n!docs/keep", "docs/keep/a.txt")).toBe(false);
  });

  it("never enters an excluded directory for a wildcard exception", () => {
    const m = new ExcludeMatcher(
      readIgnoreLines("logs\nbuild\n!**/keep.me\n!build/keep"),
      ".dockerignore",
      "legacy",
    );
    expect(m.walksExcludedDir("logs")).toBe(false);
    expect(m.walksExcludedDir("build")).toBe(true);
  });
});
