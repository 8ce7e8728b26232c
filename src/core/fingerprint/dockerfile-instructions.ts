/**
 * Just enough of the Dockerfile grammar to find the global ARGs and the FROM lines: parser
 * directives (`# escape=`), comments, line continuations and heredoc bodies. Hand-written so
 * that a no-op bake does not pay for loading a full Dockerfile AST library at start-up.
 * Reference: https://docs.docker.com/reference/dockerfile/#format
 */

export interface Instruction {
  /** upper-cased keyword */
  keyword: string;
  /** everything after the keyword, continuation lines joined */
  args: string;
  /** 1-based line the instruction starts on */
  line: number;
}

const HEREDOC_KEYWORDS = new Set(["RUN", "COPY", "ADD"]);

export function parseInstructions(text: string): Instruction[] {
  const lines = text.split(/\r?\n/);
  const escape = escapeDirective(lines);
  const out: Instruction[] = [];
  for (let i = 0; i < lines.length; i++) {
    const first = lines[i].trim();
    if (first === "" || first.startsWith("#")) continue;
    const start = i + 1;
    let joined = "";
    let line = lines[i];
    for (;;) {
      const trimmed = line.replace(/\s+$/, "");
      if (trimmed.endsWith(escape) && i + 1 < lines.length) {
        joined += trimmed.slice(0, -1);
        // comment and empty lines inside a continued instruction are dropped
        do i++;
        while (i + 1 < lines.length && /^\s*(#.*)?$/.test(lines[i]));
        line = lines[i]!;
        continue;
      }
      joined += trimmed;
      break;
    }
    const m = /^\s*(\S+)\s*([\s\S]*)$/.exec(joined);
    if (!m) continue;
    const keyword = m[1].toUpperCase();
    const args = m[2];
    out.push({ keyword, args, line: start });
    if (HEREDOC_KEYWORDS.has(keyword)) i = skipHeredocs(lines, i, args);
  }
  return out;
}

/** `# escape=` before the first instruction; the default is a backslash. */
function escapeDirective(lines: string[]): string {
  for (const line of lines) {
    const m = /^\s*#\s*([a-zA-Z]+)\s*=\s*(\S*)\s*$/.exec(line);
    if (!m) return "\\";
    if (m[1].toLowerCase() === "escape" && (m[2] === "`" || m[2] === "\\")) return m[2];
  }
  return "\\";
}

/** Skips the bodies of `<<EOF` / `<<-"EOF"` heredocs started on line `i`; returns the last line used. */
function skipHeredocs(lines: string[], i: number, args: string): number {
  let at = i;
  for (const m of args.matchAll(/<<(-?)(["']?)([A-Za-z0-9_]+)\2/g)) {
    const stripTabs = m[1] === "-";
    const word = m[3];
    while (at + 1 < lines.length) {
      at++;
      const body = stripTabs ? lines[at].replace(/^\t+/, "") : lines[at];
      if (body === word) break;
    }
  }
  return at;
}

/** The `name[=value]` pairs of an ARG instruction (one or several), quotes removed from values. */
export function argDeclarations(args: string): { name: string; value?: string }[] {
  const out: { name: string; value?: string }[] = [];
  for (const m of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)(?:=("(?:[^"\\]|\\.)*"|'[^']*'|\S*))?/g)) {
    const raw = m[2];
    out.push(raw === undefined ? { name: m[1] } : { name: m[1], value: unquote(raw) });
  }
  return out;
}

export function unquote(s: string): string {
  return s.length >= 2 && (s[0] === '"' || s[0] === "'") && s.endsWith(s[0]) ? s.slice(1, -1) : s;
}
