/**
 * Parses one compose file into plain values, resolving anchors, aliases and `<<` merge keys the
 * way compose does, keeping `!reset`/`!override` as markers for the merge step, and recording
 * where every mapping key is written (with how it got there: own key, merge key or alias) —
 * the raw material of error locations and of the source map bake edits.
 */
import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  visit,
  type Alias,
  type Document,
  type Node,
} from "yaml";
import type { BuildOrigin } from "./model.js";
import { KilnError } from "../errors.js";

/** `!reset` in a later file: removes the value the earlier files gave */
export const RESET: unique symbol = Symbol("compose:!reset");
/** `!override` in a later file: replaces instead of merging */
export class OverrideValue {
  constructor(readonly value: unknown) {}
}

export interface KeyPosition {
  line: number;
  column: number;
  origin: Exclude<BuildOrigin, "extends">;
}

export interface ParsedFile {
  file: string;
  data: Record<string, unknown>;
  /** "services/web/build" → where that key is written */
  positions: Map<string, KeyPosition>;
  /** true when `!reset`/`!override` tags occur (they need stripping before validation) */
  hasMarkers: boolean;
}

/** path separator for `positions` keys: compose keys never contain it in practice */
export const SEP = "/";

export function parseComposeYaml(text: string, file: string): ParsedFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, merge: false });
  const first = doc.errors[0];
  if (first) {
    const pos = first.linePos?.[0] ?? lineCounter.linePos(first.pos[0]);
    throw new KilnError(
      "ERR_KILN_COMPOSE_PARSE",
      `invalid YAML in ${file}: ${first.message.split("\n")[0]}`,
      {
        location: pos ? `${file}:${pos.line}:${pos.col}` : file,
        hint: "fix the YAML syntax (indentation, quotes, a missing ':'); `docker compose config` shows the same error",
      },
    );
  }
  const positions = new Map<string, KeyPosition>();
  const converter = new Converter(doc, lineCounter, positions, file);
  const data = converter.toPlain(doc.contents, "", "own");
  const hasMarkers = converter.markers > 0;
  if (data === null || data === undefined) return { file, data: {}, positions, hasMarkers };
  if (typeof data !== "object" || Array.isArray(data)) {
    throw new KilnError("ERR_KILN_COMPOSE_INVALID", `${file} is not a mapping at the top level`, {
      location: `${file}:1`,
      hint: "a compose file starts with keys like `services:`",
    });
  }
  return { file, data: data as Record<string, unknown>, positions, hasMarkers };
}

class Converter {
  markers = 0;
  /** anchor name → its nodes, in document order (yaml's Alias.resolve walks the whole document each time) */
  private readonly anchors = new Map<string, Node[]>();

  constructor(
    doc: Document,
    private readonly lines: LineCounter,
    private readonly positions: Map<string, KeyPosition>,
    private readonly file: string,
  ) {
    visit(doc, (_key, node) => {
      // an empty or comment-only document visits a null node
      const anchor = (node as Node | null)?.anchor;
      if (anchor && !isAlias(node)) {
        const list = this.anchors.get(anchor);
        if (list) list.push(node as Node);
        else this.anchors.set(anchor, [node as Node]);
      }
    });
  }

  /** the last node with the alias's anchor before the alias */
  private resolveAlias(alias: Alias): Node | undefined {
    const list = this.anchors.get(alias.source);
    const at = alias.range?.[0] ?? Infinity;
    let found: Node | undefined;
    for (const node of list ?? []) if ((node.range?.[0] ?? 0) < at) found = node;
    return found;
  }

  private budget = 500_000;

  toPlain(node: unknown, path: string, origin: KeyPosition["origin"], depth = 0): unknown {
    if (depth > 200) throw this.error("anchors nest too deeply (a recursive alias?)", node);
    // aliases can expand exponentially ("billion laughs"); compose files never come close
    if (--this.budget < 0) throw this.error("aliases expand to too many values", node);
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      const target = this.resolveAlias(node);
      if (!target) throw this.error(`unknown anchor *${node.source}`, node);
      return this.toPlain(target, path, origin === "own" ? "anchor-alias" : origin, depth + 1);
    }
    const value = this.convert(node as Node, path, origin, depth);
    const tag = (node as Node).tag;
    if (tag === "!reset") {
      this.markers++;
      return RESET;
    }
    if (tag === "!override") {
      this.markers++;
      return new OverrideValue(value);
    }
    return value;
  }

  private convert(node: Node, path: string, origin: KeyPosition["origin"], depth: number): unknown {
    if (isScalar(node)) return node.value;
    if (isSeq(node))
      return node.items.map((item, i) => this.toPlain(item, `${path}${SEP}${i}`, origin, depth + 1));
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      const merged: unknown[] = [];
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key;
        const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
        if (key === "<<" && isScalar(keyNode) && keyNode.type === "PLAIN") {
          merged.push(pair.value);
          continue;
        }
        const childPath = path === "" ? key : `${path}${SEP}${key}`;
        const valueOrigin = origin === "own" && isAlias(pair.value) ? "anchor-alias" : origin;
        this.record(childPath, keyNode, valueOrigin);
        out[key] = this.toPlain(pair.value, childPath, origin, depth + 1);
      }
      // merge keys: explicit keys win; among several merged maps the first wins
      for (const source of merged) {
        const items = isSeq(source) ? source.items : [source];
        for (const item of items) {
          const resolved = isAlias(item) ? this.resolveAlias(item) : item;
          if (!isMap(resolved))
            throw this.error("a `<<` merge key needs a mapping (or a list of them)", item);
          const value = this.toPlain(resolved, path, origin === "own" ? "merge-key" : origin, depth + 1);
          for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (!(k in out)) out[k] = v;
        }
      }
      return out;
    }
    return null;
  }

  private record(path: string, keyNode: unknown, origin: KeyPosition["origin"]): void {
    if (this.positions.has(path)) return; // an explicit key recorded before the merged one
    const range = (keyNode as Node | null)?.range;
    if (!range) return;
    const pos = this.lines.linePos(range[0]);
    this.positions.set(path, { line: pos.line, column: pos.col, origin });
  }

  private error(message: string, node: unknown): KilnError {
    const range = (node as Node | null)?.range;
    const pos = range ? this.lines.linePos(range[0]) : undefined;
    return new KilnError("ERR_KILN_COMPOSE_PARSE", `${this.file}: ${message}`, {
      location: pos ? `${this.file}:${pos.line}:${pos.col}` : this.file,
      hint: "check the anchors and `<<:` merge keys",
    });
  }
}

/** the nearest recorded position of `path` or one of its parents, as "file:line:col" */
export function locate(parsed: Pick<ParsedFile, "file" | "positions">, path: string): string {
  let p = path;
  for (;;) {
    const pos = parsed.positions.get(p);
    if (pos) return `${parsed.file}:${pos.line}:${pos.column}`;
    const cut = p.lastIndexOf(SEP);
    if (cut < 0) return parsed.file;
    p = p.slice(0, cut);
  }
}
