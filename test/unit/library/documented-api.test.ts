/**
 * README's "As a library" names every value src/index.ts exports, and nothing it does not (#14.7):
 * the packed-package test checks the same list against `import("kiln")` from the tarball.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../../..");

function librarySection(): string {
  const readme = readFileSync(path.join(root, "README.md"), "utf8");
  const start = readme.indexOf("## As a library");
  const end = readme.indexOf("\n## ", start + 1);
  return readme.slice(start, end);
}

describe("the documented library API", () => {
  it("README's As a library section names exactly the values src/index.ts exports", async () => {
    const exported = Object.keys(await import("../../../src/index.js")).sort();
    const prose = librarySection().replace(/```[\s\S]*?```/g, "");
    const named = new Set([...prose.matchAll(/`([A-Za-z]+)(?:\(|`)/g)].map((m) => m[1]));
    expect(exported.filter((name) => !named.has(name))).toEqual([]);
    // every call the section's table lists is exported
    const called = [...prose.matchAll(/^\| `([^|]+)\|/gm)].flatMap((m) =>
      [...(m[1] ?? "").matchAll(/`?([a-zA-Z]+)`/g)].map((x) => x[1]),
    );
    expect(called.filter((name) => !exported.includes(name ?? ""))).toEqual([]);
  });
});
