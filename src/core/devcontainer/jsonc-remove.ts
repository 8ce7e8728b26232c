/**
 * Taking a top-level property out of a devcontainer.json (JSONC) and putting it back, as a splice
 * of the text: every other byte — comments, trailing commas, indentation — stays. The removed
 * range runs from the end of the previous property's value (its comma, the comments and blank
 * lines before the property go with it) to the end of the property's value; a first property is
 * removed up to the next property's key. Putting it back inserts the same bytes against the same
 * neighbour, so a file nobody edited since is byte-identical, and later edits elsewhere are kept.
 */
import { parseTree, type Node } from "jsonc-parser";

export interface RemovedProperty {
  key: string;
  /** the removed bytes */
  text: string;
  /** the neighbour the bytes sat against: right after its value, or right before its key */
  anchor?: { key: string; side: "after" | "afterLine" | "before" };
  /** where the bytes were, for a file without neighbours */
  offset: number;
}

function topLevel(text: string): Node[] | undefined {
  const root = parseTree(text, [], { allowTrailingComma: true });
  return root?.type === "object" ? (root.children ?? []) : undefined;
}

/** the index of the line break ending the line that holds `offset` (or the text's end) */
function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf("\n", offset);
  if (nl < 0) return text.length;
  return text[nl - 1] === "\r" ? nl - 1 : nl;
}

function keyOf(p: Node): string {
  return String(p.children?.[0]?.value);
}

function valueEnd(p: Node): number {
  const v = p.children?.[1];
  return v ? v.offset + v.length : p.offset + p.length;
}

export function hasTopLevel(text: string, key: string): boolean {
  return (topLevel(text) ?? []).some((p) => keyOf(p) === key);
}

export function removeTopLevel(
  text: string,
  key: string,
): { text: string; removed: RemovedProperty } | undefined {
  const props = topLevel(text);
  if (!props) return undefined;
  const i = props.findIndex((p) => keyOf(p) === key);
  if (i < 0) return undefined;
  const p = props[i];
  const prev = props[i - 1];
  const next = props[i + 1];
  let start: number;
  let end: number;
  let anchor: RemovedProperty["anchor"];
  if (prev) {
    const prevLineEnd = lineEnd(text, valueEnd(prev));
    const ownLine = prevLineEnd < p.offset;
    const comma = /^[ \t]*,[ \t]*(?:\/\/[^\n]*|\/\*[^\n]*?\*\/)?[ \t]*/.exec(text.slice(valueEnd(p)));
    const prevComment = /\/[/*]/.test(text.slice(valueEnd(prev), prevLineEnd));
    if (ownLine && (comma || prevComment)) {
      // whole lines: the previous property's line (its comma, its comment) stays as written
      start = prevLineEnd;
      end = valueEnd(p) + (comma ? comma[0].length : 0);
      anchor = { key: keyOf(prev), side: "afterLine" };
    } else {
      start = valueEnd(prev);
      end = valueEnd(p);
      anchor = { key: keyOf(prev), side: "after" };
    }
  } else if (next) {
    start = p.offset;
    end = next.offset;
    anchor = { key: keyOf(next), side: "before" };
  } else {
    start = p.offset;
    end = valueEnd(p);
    // a trailing comma of the only property goes with it
    const rest = /^\s*,/.exec(text.slice(end));
    if (rest) end += rest[0].length;
  }
  return {
    text: text.slice(0, start) + text.slice(end),
    removed: { key, text: text.slice(start, end), offset: start, ...(anchor ? { anchor } : {}) },
  };
}

/** puts a removed property back; a file that has the key again (the user re-added it) is left as it is */
export function restoreTopLevel(text: string, removed: RemovedProperty): string {
  const props = topLevel(text);
  if (!props || props.some((p) => keyOf(p) === removed.key)) return text;
  let at: number | undefined;
  if (removed.anchor) {
    const n = props.find((p) => keyOf(p) === removed.anchor!.key);
    if (n)
      at =
        removed.anchor.side === "after"
          ? valueEnd(n)
          : removed.anchor.side === "afterLine"
            ? lineEnd(text, valueEnd(n))
            : n.offset;
  }
  if (at === undefined) {
    if (removed.anchor?.side !== "before") {
      // neighbour gone: after the last property (with a separating comma), or first in the object
      const last = props[props.length - 1];
      if (last) {
        const joined = removed.text.startsWith(",") ? removed.text : `,${removed.text}`;
        return text.slice(0, valueEnd(last)) + joined + text.slice(valueEnd(last));
      }
    }
    const open = text.indexOf("{");
    at = removed.anchor === undefined ? Math.min(removed.offset, text.lastIndexOf("}")) : open + 1;
    const body = removed.text.replace(/^\s*,/, "");
    const sep = props.length > 0 && !/,\s*$/.test(body) ? "," : "";
    return text.slice(0, at) + body + sep + text.slice(at);
  }
  return text.slice(0, at) + removed.text + text.slice(at);
}
