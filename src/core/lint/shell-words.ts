/**
 * A small POSIX-shell word splitter: enough to find the simple commands of a RUN line
 * (`&&`, `||`, `;`, `|`, newlines), with quotes removed and each character mapped to its
 * offset in the Dockerfile. It does not run or expand anything; redirections are dropped.
 */
import type { Segment } from "./source-text.js";

export interface Word {
  /** the unquoted value */
  value: string;
  /** file offset of each character of `value` */
  offs: number[];
  /** file offsets of the raw word, quotes included: [start, end) */
  start: number;
  end: number;
}

export interface SimpleCommand {
  words: Word[];
  /** the operator before this command: "" at the start, "&&", "||", ";", "|", "&", "\n" */
  after: string;
}

const OPERATOR_CHARS = new Set([";", "&", "|", "(", ")", "\n"]);
const BLANK = new Set([" ", "\t", "\r"]);
/** characters that end a plain word or need the careful path */
const PLAIN_STOP = new Set([
  " ",
  "\t",
  "\r",
  ";",
  "&",
  "|",
  "(",
  ")",
  "\n",
  "<",
  ">",
  "'",
  '"',
  "\\",
  "$",
  "`",
]);
const WORD_END = new Set([" ", "\t", "\r", ";", "&", "|", "(", ")", "\n", "<", ">"]);

export function splitCommands(seg: Segment): SimpleCommand[] {
  const { text, offs } = seg;
  const n = text.length;
  const commands: SimpleCommand[] = [];
  let words: Word[] = [];
  let after = "";
  let i = 0;

  const endOf = (k: number): number => (k < n ? offs[k] : n === 0 ? 0 : offs[n - 1] + 1);
  const finish = (op: string): void => {
    if (words.length > 0) commands.push({ words, after });
    words = [];
    after = op;
  };

  /** reads one word starting at i; returns it (value may be empty when only quotes) */
  const readWord = (): Word => {
    // fast path: a plain word (no quotes, escapes or substitutions) is a slice of the text
    let j = i;
    while (j < n && !PLAIN_STOP.has(text[j])) j++;
    if (j > i && (j >= n || WORD_END.has(text[j]))) {
      const w: Word = {
        value: text.slice(i, j),
        offs: offs.slice(i, j),
        start: offs[i],
        end: offs[j - 1] + 1,
      };
      i = j;
      return w;
    }
    const chars: string[] = [];
    const wordOffs: number[] = [];
    const start = endOf(i);
    const push = (k: number): void => {
      chars.push(text[k]);
      wordOffs.push(offs[k]);
    };
    while (i < n) {
      const c = text[i];
      if (BLANK.has(c) || OPERATOR_CHARS.has(c) || c === "<" || c === ">") break;
      if (c === "'") {
        const close = text.indexOf("'", i + 1);
        const stop = close === -1 ? n : close;
        for (let k = i + 1; k < stop; k++) push(k);
        i = stop + 1;
      } else if (c === '"') {
        i++;
        while (i < n && text[i] !== '"') {
          if (text[i] === "\\" && i + 1 < n && '"\\$`'.includes(text[i + 1])) i++;
          if (text[i] === "$" && text[i + 1] === "(") i = readNested(i, push);
          else push(i++);
        }
        i++;
      } else if (c === "\\") {
        if (i + 1 < n && text[i + 1] !== "\n") push(i + 1);
        i += 2;
      } else if (c === "$" && (text[i + 1] === "(" || text[i + 1] === "{")) {
        i = readNested(i, push);
      } else if (c === "`") {
        const close = text.indexOf("`", i + 1);
        const stop = close === -1 ? n : close + 1;
        for (let k = i; k < stop; k++) push(k);
        i = stop;
      } else {
        push(i++);
      }
    }
    return {
      value: chars.join(""),
      offs: wordOffs,
      start,
      end: i > 0 ? offs[Math.min(i, n) - 1] + 1 : start,
    };
  };

  /** copies `$(...)` or `${...}` verbatim (balanced), returns the index after it */
  const readNested = (from: number, push: (k: number) => void): number => {
    const open = text[from + 1];
    const close = open === "(" ? ")" : "}";
    let depth = 0;
    let k = from;
    for (; k < n; k++) {
      push(k);
      if (k > from && text[k] === open) depth++;
      else if (text[k] === close && --depth <= 0) return k + 1;
    }
    return k;
  };

  while (i < n) {
    const c = text[i];
    if (BLANK.has(c)) {
      i++;
    } else if (c === "#" && (i === 0 || BLANK.has(text[i - 1]) || OPERATOR_CHARS.has(text[i - 1]))) {
      while (i < n && text[i] !== "\n") i++;
    } else if (OPERATOR_CHARS.has(c)) {
      const two = text.slice(i, i + 2);
      const op = two === "&&" || two === "||" || two === ";;" ? two : c;
      i += op.length;
      finish(op === "(" || op === ")" ? ";" : op);
    } else if (c === "<" || c === ">") {
      // a redirection: drop a preceding fd number, the operator and its target word
      const last = words[words.length - 1];
      if (last && /^\d+$/.test(last.value) && last.end === offs[i]) words.pop();
      while (i < n && "<>&|-".includes(text[i])) i++;
      if (text[i - 1] === "&" && /\d/.test(text[i] ?? "")) {
        while (i < n && /\d/.test(text[i])) i++;
      } else {
        while (i < n && BLANK.has(text[i])) i++;
        readWord();
      }
    } else {
      words.push(readWord());
    }
  }
  finish("");
  return commands;
}
