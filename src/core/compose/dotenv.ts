/**
 * `.env` / `--env-file` parsing as compose reads them: `KEY=VALUE`, optional `export `,
 * `#` comments (inline only after whitespace in unquoted values), single quotes literal,
 * double quotes with escapes, and `${VAR}` in unquoted and double-quoted values expanded
 * from the variables above it or the lookup.
 */
import { interpolateString, type Lookup } from "./interpolate.js";

export interface DotenvEntry {
  key: string;
  value: string;
  line: number;
}

const KEY = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*/;

export function parseDotenv(text: string, lookup: Lookup = () => undefined): DotenvEntry[] {
  const entries: DotenvEntry[] = [];
  const known = new Map<string, string>();
  const resolve: Lookup = (name) => known.get(name) ?? lookup(name);
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    const trimmed = raw.trimStart();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const m = KEY.exec(trimmed);
    if (!m) continue;
    const key = m[1];
    let rest = trimmed.slice(m[0].length);
    const lineNo = i + 1;
    let value: string;
    const quote = rest[0];
    if (quote === "'" || quote === '"') {
      // a quoted value may span lines
      let body = rest.slice(1);
      let end = findClosing(body, quote);
      while (end < 0 && i + 1 < lines.length) {
        body += `\n${lines[++i]}`;
        end = findClosing(body, quote);
      }
      const inner = end < 0 ? body : body.slice(0, end);
      value = quote === "'" ? inner : interpolateString(unescape(inner), resolve);
    } else {
      const hash = rest.search(/\s#/);
      if (hash >= 0) rest = rest.slice(0, hash);
      value = interpolateString(rest.trim(), resolve);
    }
    known.set(key, value);
    entries.push({ key, value, line: lineNo });
  }
  return entries;
}

function findClosing(s: string, quote: string): number {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "\\" && quote === '"') i++;
    else if (s[i] === quote) return i;
  }
  return -1;
}

function unescape(s: string): string {
  return s.replace(/\\([\\"nrt$])/g, (_m, c: string) => {
    if (c === "n") return "\n";
    if (c === "r") return "\r";
    if (c === "t") return "\t";
    if (c === "$") return "$$";
    return c;
  });
}
