/**
 * Dockerfile text as the builder reads it: line continuations joined, comment lines inside a
 * continued instruction dropped, heredoc bodies kept verbatim — with every character mapped
 * back to its offset in the original file so fixes can edit the exact bytes.
 */

/** A piece of logical text; offs[i] is the file offset of text[i]. */
export interface Segment {
  text: string;
  offs: number[];
}

export interface HeredocBody {
  name: string;
  /** `<<-`: leading tabs are stripped */
  stripTabs: boolean;
  body: Segment;
}

export interface LogicalInstruction {
  /** the first logical line (continuations joined) */
  line: Segment;
  heredocs: HeredocBody[];
  /** the offset right after the instruction (its last line's newline included) */
  next: number;
}

export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

function lineEnd(text: string, from: number, end: number): number {
  const nl = text.indexOf("\n", from);
  return nl === -1 || nl > end ? end : nl;
}

/** true when text[from, to) is only spaces/tabs/CR */
function blank(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

function isCommentLine(text: string, from: number, to: number): boolean {
  let i = from;
  while (i < to && (text[i] === " " || text[i] === "\t")) i++;
  return i < to && text[i] === "#";
}

const HEREDOC = /<<(-?)\s*(["']?)([A-Za-z_][A-Za-z0-9_.-]*)\2/g;

/** Reads the instruction at text[start, end). */
export function readInstruction(
  text: string,
  start: number,
  end: number,
  escapeChar: string,
  heredocsAllowed = true,
): LogicalInstruction {
  let out = "";
  const offs: number[] = [];
  let i = start;
  let continued = false;
  while (i < end) {
    const eol = lineEnd(text, i, end);
    if (continued && (blank(text, i, eol) || isCommentLine(text, i, eol))) {
      i = eol + 1;
      continue;
    }
    // a continuation: the escape char followed only by blanks up to the end of the line
    let contAt = -1;
    for (let k = eol - 1; k >= i; k--) {
      const c = text[k];
      if (c === " " || c === "\t" || c === "\r") continue;
      if (c === escapeChar) contAt = k;
      break;
    }
    let stop = contAt === -1 ? eol : contAt;
    if (stop > i && text.charCodeAt(stop - 1) === 13) stop--;
    out += text.slice(i, stop);
    for (let k = i; k < stop; k++) offs.push(k);
    i = eol + 1;
    if (contAt === -1) break;
    continued = true;
  }
  const line: Segment = { text: out, offs };
  if (!heredocsAllowed || !out.includes("<<")) return { line, heredocs: [], next: Math.min(i, end) };
  const heredocs: HeredocBody[] = [];
  const next = readHeredocs(text, line.text, i, end, heredocs);
  return { line, heredocs, next };
}

function readHeredocs(text: string, first: string, from: number, end: number, bodies: HeredocBody[]): number {
  HEREDOC.lastIndex = 0;
  let i = from;
  for (let m = HEREDOC.exec(first); m !== null && i < end; m = HEREDOC.exec(first)) {
    if (m.index > 0 && first[m.index - 1] === "<") continue; // <<< is a here-string
    const name = m[3];
    const stripTabs = m[1] === "-";
    const chars: string[] = [];
    const offs: number[] = [];
    while (i < end) {
      const eol = lineEnd(text, i, end);
      let lineText = text.slice(i, eol).replace(/\r$/, "");
      if (stripTabs) lineText = lineText.replace(/^\t+/, "");
      if (lineText === name) {
        i = eol + 1;
        break;
      }
      for (let k = i; k < eol; k++) {
        if (text[k] === "\r") continue;
        chars.push(text[k]);
        offs.push(k);
      }
      chars.push("\n");
      offs.push(eol);
      i = eol + 1;
    }
    bodies.push({ name, stripTabs, body: { text: chars.join(""), offs } });
  }
  return Math.min(i, end);
}

/** The sub-segment text[from, to) of a segment. */
export function slice(seg: Segment, from: number, to: number): Segment {
  return { text: seg.text.slice(from, to), offs: seg.offs.slice(from, to) };
}
