/**
 * Line arithmetic on source text with LF or CRLF breaks: where a line starts and ends, and how
 * far a block-style value runs (every following line more indented than its key, plus comment
 * lines that are, and blank lines between them).
 */
export function lineStart(text: string, offset: number): number {
  return text.lastIndexOf("\n", offset - 1) + 1;
}

/** offset of the line break (or text end) of the line holding `offset`, before any \r */
export function lineContentEnd(text: string, offset: number): number {
  let nl = text.indexOf("\n", offset);
  if (nl === -1) nl = text.length;
  return nl > 0 && text[nl - 1] === "\r" && nl > offset ? nl - 1 : nl;
}

/** offset just after the line break of the line holding `offset` (text end on the last line) */
export function lineFullEnd(text: string, offset: number): number {
  const nl = text.indexOf("\n", offset);
  return nl === -1 ? text.length : nl + 1;
}

/**
 * The end (without the final line break) of a block-style key/value whose key starts at
 * `keyStart`: later lines belong to it while they are indented deeper than the key. Comment and
 * blank lines in between belong to it whatever their indent (YAML ignores it); after the last
 * content line, only the comment lines indented deeper than the key still do.
 */
export function blockValueEnd(text: string, keyStart: number): number {
  const keyCol = keyStart - lineStart(text, keyStart);
  let end = lineContentEnd(text, keyStart);
  let trailingCommentsOpen = true;
  let pos = lineFullEnd(text, keyStart);
  while (pos < text.length) {
    const contentEnd = lineContentEnd(text, pos);
    const line = text.slice(pos, contentEnd);
    const trimmed = line.trimStart();
    const indent = line.length - trimmed.length;
    if (trimmed === "") {
      trailingCommentsOpen = false; // a blank line ends the trailing comments (unless content follows)
    } else if (trimmed.startsWith("#")) {
      if (indent <= keyCol) trailingCommentsOpen = false;
      else if (trailingCommentsOpen) end = contentEnd;
    } else {
      if (indent <= keyCol) break;
      end = contentEnd;
      trailingCommentsOpen = true;
    }
    pos = lineFullEnd(text, pos);
  }
  return end;
}

/** true when only spaces precede `offset` on its line */
export function startsLine(text: string, offset: number): boolean {
  return /^[ ]*$/.test(text.slice(lineStart(text, offset), offset));
}
