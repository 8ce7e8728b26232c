/**
 * Small, byte-minimal edits inside a RUN: drop one command from an `&&`/`;` list, drop one
 * option word, insert before a command.
 */
import type { Command } from "./shell-commands.js";
import type { Word } from "./shell-words.js";
import type { Edit } from "./finding-types.js";

const JOINERS = new Set(["&&", ";", "\n"]);

/**
 * Removes `commands[k]` with the operator that joins it to its list; undefined when unsafe.
 * A command on a continued line of its own loses the whole line, so comments around it stay.
 */
export function removeCommand(text: string, commands: readonly Command[], k: number): Edit[] | undefined {
  const cmd = commands[k];
  if (cmd === undefined || cmd.start < 0) return undefined;
  const prev = commands[k - 1];
  const next = commands[k + 1];
  const sameNext = next !== undefined && next.group === cmd.group;
  if (sameNext && !JOINERS.has(next.after)) return undefined; // `x || y`, `x | y`: keep
  // `if x`, `then x`, `do x`, `{ x`: the command opens a compound body; dropping it can leave it empty
  if (COMPOUND_OPENERS.test(text.slice(cmd.start, cmd.start + 6))) return undefined;
  if (prev !== undefined && prev.group === cmd.group && prev.end >= 0 && JOINERS.has(cmd.after)) {
    let op = cmd.start;
    while (op > prev.end && (text[op - 1] === " " || text[op - 1] === "\t")) op--;
    while (op > prev.end && (text[op - 1] === "&" || text[op - 1] === ";")) op--;
    // words that are no command of their own sit between the two (`x; fi && cmd`): the
    // operator before cmd joins it to them, so cut from their end, never through them
    return removeAfter(text, gapEnd(text, prev.end, op), cmd, op);
  }
  if (cmd.after === "" && sameNext && next.start >= 0)
    return [{ start: cmd.start, end: next.start, text: "" }];
  return undefined;
}

const COMPOUND_OPENERS = /^(if|while|until|then|do|else|elif|\{|!)(\s|$)/;

/** the end of what is written between prev's end and the operator at `op` (prev.end if nothing) */
function gapEnd(text: string, from: number, op: number): number {
  const gap = text.slice(from, op);
  // only blanks, line continuations and the joining operator (`x && \⏎ cmd`): nothing to keep
  if (/^(\s|\\\r?\n|&&|;)*$/.test(gap)) return from;
  let end = op;
  for (;;) {
    while (end > from && /[ \t\r\n]/.test(text[end - 1] ?? "")) end--;
    if (end > from && text[end - 1] === "\\") end--;
    else if (end - 1 > from && text.slice(end - 2, end) === "&&") end -= 2;
    else if (end > from && text[end - 1] === ";" && text[end - 2] !== ";") end--;
    else return end;
  }
}

/** removes text[prevEnd, cmd.end): the operator at `op` and cmd (a line of its own goes whole) */
function removeAfter(text: string, prevEnd: number, cmd: Command, op: number): Edit[] {
  const lineStart = text.lastIndexOf("\n", op - 1) + 1;
  if (lineStart > prevEnd && /^[ \t]*$/.test(text.slice(lineStart, op))) {
    const tail = /^[ \t]*[\\`][ \t]*\r?\n/.exec(text.slice(cmd.end, cmd.end + 200));
    if (tail) return [{ start: lineStart, end: cmd.end + tail[0].length, text: "" }];
    const cont = /^[ \t]*[\\`][ \t]*(?=\r?\n)/.exec(text.slice(prevEnd, prevEnd + 200));
    if (cont) {
      return [
        { start: prevEnd, end: prevEnd + cont[0].length, text: "" },
        { start: text[lineStart - 2] === "\r" ? lineStart - 2 : lineStart - 1, end: cmd.end, text: "" },
      ];
    }
  }
  return [{ start: prevEnd, end: cmd.end, text: "" }];
}

/** Removes an option word and the blank before it. */
export function removeWord(text: string, w: Word): Edit | undefined {
  if (w.start < 0) return undefined;
  let start = w.start;
  while (start > 0 && (text[start - 1] === " " || text[start - 1] === "\t")) start--;
  return { start, end: w.end, text: "" };
}

export function insert(at: number, text: string): Edit {
  return { start: at, end: at, text };
}
