/**
 * Every error kiln raises says what to type next (#14.6): each `new KilnError(…)` in src/ passes a
 * hint, and src/ throws no plain `Error` (they reach the user without code or hint).
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../helpers/kiln.js";

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith(".ts") ? [p] : [];
  });
}

function hasHint(options: ts.Expression | undefined): boolean {
  if (!options) return false;
  if (!ts.isObjectLiteralExpression(options)) return true; // a variable: checked where it is built
  return options.properties.some(
    (p) =>
      ts.isSpreadAssignment(p) || (p.name !== undefined && ts.isIdentifier(p.name) && p.name.text === "hint"),
  );
}

function scan(): { withoutHint: string[]; plainErrors: string[] } {
  const withoutHint: string[] = [];
  const plainErrors: string[] = [];
  for (const file of sourceFiles(path.join(repoRoot, "src"))) {
    const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
    const where = (n: ts.Node): string =>
      `${path.relative(repoRoot, file)}:${source.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
    const visit = (n: ts.Node): void => {
      if (ts.isNewExpression(n) && ts.isIdentifier(n.expression)) {
        if (n.expression.text === "KilnError" && !hasHint(n.arguments?.[2])) withoutHint.push(where(n));
        if (n.expression.text === "Error" && ts.isThrowStatement(n.parent)) plainErrors.push(where(n));
      }
      ts.forEachChild(n, visit);
    };
    visit(source);
  }
  return { withoutHint, plainErrors };
}

describe("errors in src/", () => {
  const found = scan();
  it("every KilnError has a hint", () => {
    expect(found.withoutHint).toEqual([]);
  });
  it("no plain Error is thrown", () => {
    expect(found.plainErrors).toEqual([]);
  });
});
