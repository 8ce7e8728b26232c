/**
 * Splits a Dockerfile into instructions the way BuildKit's parser does: parser directives at
 * the top (`# escape=`), comment and blank lines between instructions, continuation lines
 * (with comment lines inside them dropped), heredoc bodies after RUN/COPY/ADD. Our own
 * splitter, because lint throughput matters and a full dockerfile-ast parse costs more than
 * all the rules together; unit tests check it agrees with dockerfile-ast.
 */
import { readInstruction, type LogicalInstruction } from "./source-text.js";

export interface RawInstruction extends LogicalInstruction {
  /** upper-case keyword as written (ONBUILD for triggers) */
  keyword: string;
  /** offset of the first character of the keyword; end of the last line (before \n) */
  start: number;
  end: number;
  /** 0-based first and last line */
  startLine: number;
  endLine: number;
}

const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.*?)\s*$/;
const HEREDOC_KEYWORDS = /^(RUN|COPY|ADD)$/;

function lineEndAt(text: string, i: number): number {
  const nl = text.indexOf("\n", i);
  return nl === -1 ? text.length : nl;
}

/** the escape character from the parser directives at the top of the file */
export function escapeCharacter(text: string): string {
  let i = 0;
  let escape = "\\";
  while (i < text.length) {
    const eol = lineEndAt(text, i);
    const m = DIRECTIVE.exec(text.slice(i, eol).replace(/\r$/, ""));
    if (!m) break;
    if (m[1].toLowerCase() === "escape" && (m[2] === "`" || m[2] === "\\")) escape = m[2];
    i = eol + 1;
  }
  return escape;
}

export function splitInstructions(text: string): { escape: string; instructions: RawInstruction[] } {
  const escape = escapeCharacter(text);
  const instructions: RawInstruction[] = [];
  let i = 0;
  let line = 0;
  const n = text.length;
  while (i < n) {
    // skip blanks and comment lines between instructions
    let k = i;
    while (k < n && (text[k] === " " || text[k] === "\t" || text[k] === "\r")) k++;
    const eol = lineEndAt(text, i);
    if (k >= eol || text[k] === "#") {
      i = eol + 1;
      line++;
      continue;
    }
    const word = /^[A-Za-z]+/.exec(text.slice(k, Math.min(eol, k + 16)))?.[0]?.toUpperCase() ?? "";
    let trigger = word;
    if (word === "ONBUILD")
      trigger = /^\s*([A-Za-z]+)/.exec(text.slice(k + 7, Math.min(eol, k + 40)))?.[1]?.toUpperCase() ?? "";
    const logical = readInstruction(text, k, n, escape, HEREDOC_KEYWORDS.test(trigger));
    let end = Math.min(logical.next, n);
    if (end > k && text[end - 1] === "\n") end--;
    if (end > k && text[end - 1] === "\r") end--;
    let lines = 0;
    for (let j = text.indexOf("\n", k); j !== -1 && j < end; j = text.indexOf("\n", j + 1)) lines++;
    instructions.push({
      line: logical.line,
      heredocs: logical.heredocs,
      next: logical.next,
      keyword: word,
      start: k,
      end,
      startLine: line,
      endLine: line + lines,
    });
    line += lines + 1;
    i = logical.next > k ? logical.next : eol + 1;
  }
  return { escape, instructions };
}
