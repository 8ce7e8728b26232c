/**
 * Inline suppressions: `# kiln-ignore` (every rule) or `# kiln-ignore: rule-a, rule-b` on the
 * comment lines right above an instruction.
 */
const DIRECTIVE = /^\s*#\s*kiln-ignore\b\s*(?::\s*(.*?))?\s*$/;

/** the rules ignored for the instruction starting at 1-based `line`; "*" = all */
export function ignoredAt(lines: readonly string[], line: number): Set<string> {
  const out = new Set<string>();
  for (let i = line - 2; i >= 0; i--) {
    const text = lines[i] ?? "";
    if (!/^\s*#/.test(text)) break;
    const m = DIRECTIVE.exec(text.replace(/\r$/, ""));
    if (!m) continue;
    if (m[1] === undefined || m[1] === "") out.add("*");
    else for (const id of m[1].split(/[\s,]+/)) if (id !== "") out.add(id);
  }
  return out;
}
