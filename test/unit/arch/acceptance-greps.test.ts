/**
 * #14's acceptance greps, as written: `grep -rn "cli/" src/adapters src/core src/app` and
 * `grep -rn "adapters/" src/core` find nothing — not in imports (eslint's layer rules catch
 * those) and not in comments either, since a reviewer runs the grep itself.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../helpers/kiln.js";

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

/** the `file:line: text` lines grep -rn would print for `needle` under `dirs` */
function grep(needle: string, dirs: string[]): string[] {
  return dirs.flatMap((d) =>
    files(path.join(repoRoot, d)).flatMap((f) =>
      readFileSync(f, "utf8")
        .split("\n")
        .flatMap((line, i) =>
          line.includes(needle) ? [`${path.relative(repoRoot, f)}:${i + 1}: ${line}`] : [],
        ),
    ),
  );
}

describe("#14's acceptance greps", () => {
  it('find no "cli/" in adapters, core or app', () => {
    expect(grep("cli/", ["src/adapters", "src/core", "src/app"])).toEqual([]);
  });

  it('find no "adapters/" in core', () => {
    expect(grep("adapters/", ["src/core"])).toEqual([]);
  });

  it("finds what is there (the search itself works)", () => {
    // the CLI is the composition root: it imports adapters
    expect(grep("adapters/", ["src/cli"]).length).toBeGreaterThan(0);
  });
});
