/**
 * Byte-minimal edits of a compose file's text for `kiln volumes fix`: every function takes
 * the file's text and returns it with one change spliced in, leaving every other byte —
 * comments, quoting, order, blank lines — as it was. Positions come from `yaml`'s node ranges.
 */
import {
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  type Document,
  type Node,
  type Pair,
  type YAMLMap,
} from "yaml";
import { BUG_HINT, KilnError } from "../errors.js";

function refuse(file: string | undefined, what: string): KilnError {
  return new KilnError("ERR_KILN_COMPOSE_INVALID", `cannot edit ${file ?? "the compose file"}: ${what}`, {
    hint: "make the change by hand (kiln only edits block-style YAML it can change without reformatting)",
  });
}

function parse(text: string, file?: string): Document {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw refuse(file, doc.errors[0]?.message ?? "YAML error");
  return doc;
}

function eol(text: string): string {
  return text.includes("\r\n") ? "\r\n" : "\n";
}

function column(text: string, offset: number): number {
  return offset - (text.lastIndexOf("\n", offset - 1) + 1);
}

/** the offset of the newline that ends the line holding `offset - 1` (or the text end) */
function lineEnd(text: string, offset: number): number {
  if (offset > 0 && text[offset - 1] === "\n") return text[offset - 2] === "\r" ? offset - 2 : offset - 1;
  const nl = text.indexOf("\n", offset);
  if (nl === -1) return text.length;
  return text[nl - 1] === "\r" ? nl - 1 : nl;
}

function splice(text: string, at: number, remove: number, insert: string): string {
  return text.slice(0, at) + insert + text.slice(at + remove);
}

const PLAIN = /^[A-Za-z0-9_/][A-Za-z0-9_./:@-]*$/;
const SPECIAL = /^(true|false|yes|no|on|off|null|~|y|n|[-+]?[0-9][0-9_.eE+-]*)$/i;

export function yamlScalar(value: string | boolean): string {
  if (typeof value === "boolean") return value ? "true" : "false";
  return PLAIN.test(value) && !SPECIAL.test(value) ? value : JSON.stringify(value);
}

/** the indentation step the file uses (the column of the first nested key), default 2 */
function indentUnit(doc: Document, text: string): number {
  const root = doc.contents;
  if (!isMap(root)) return 2;
  for (const pair of root.items) {
    const value = pair.value as Node | null;
    if (isMap(value) && !value.flow && value.range) {
      const col = column(text, value.range[0]);
      if (col > 0) return col;
    }
  }
  return 2;
}

function findPair(map: YAMLMap, key: string): Pair | undefined {
  for (const p of map.items) if (isScalar(p.key) && String(p.key.value) === key) return p;
  return undefined;
}

function rangeOf(node: unknown): [number, number, number] {
  const r = (node as { range?: [number, number, number] | null }).range;
  if (!r) throw new KilnError("ERR_KILN_INTERNAL", "a YAML node has no source range", { hint: BUG_HINT });
  return r;
}

/** the end of a pair's last line (after the value, or the key when the value is empty) */
function pairEnd(text: string, pair: Pair): number {
  const value = pair.value as Node | null;
  const r = value && rangeOf(value)[1] > rangeOf(pair.key)[1] ? rangeOf(value) : rangeOf(pair.key);
  return lineEnd(text, r[1]);
}

/**
 * Appends `key: value` lines (or an already indented block) as new entries of a block map
 * whose pair `parent` holds it — creating the block when the value is empty.
 */
function addToMapValue(text: string, doc: Document, parent: Pair, lines: string[], file?: string): string {
  const nl = eol(text);
  const keyCol = column(text, rangeOf(parent.key)[0]);
  const unit = indentUnit(doc, text);
  const value = parent.value as Node | null;
  const isEmpty = value === null || (isScalar(value) && (value.value === null || value.value === ""));
  if (isEmpty) {
    const pad = " ".repeat(keyCol + unit);
    if (value && isScalar(value) && rangeOf(value)[1] > rangeOf(value)[0]) {
      // `key: null` / `key: ~`: drop the written null
      const e = rangeOf(value)[1];
      const keyEnd = rangeOf(parent.key)[1];
      const colon = text.indexOf(":", keyEnd);
      const cut = splice(text, colon + 1, e - (colon + 1), "");
      return splice(cut, lineEnd(cut, colon + 1), 0, lines.map((l) => `${nl}${pad}${l}`).join(""));
    }
    const at = pairEnd(text, parent);
    return splice(text, at, 0, lines.map((l) => `${nl}${pad}${l}`).join(""));
  }
  if (!isMap(value))
    throw refuse(file, `"${String((parent.key as { value?: unknown }).value)}" is not a mapping`);
  if (value.flow) {
    const [s, e] = rangeOf(value);
    const body = text.slice(s, e);
    const open = body.indexOf("{");
    const close = body.lastIndexOf("}");
    const inner = body.slice(open + 1, close).trim();
    const entries = lines.map((l) => l.trim()).join(", ");
    return splice(
      text,
      s + open + 1,
      close - open - 1,
      inner === "" ? ` ${entries} ` : ` ${entries}, ${inner} `,
    );
  }
  const last = value.items[value.items.length - 1];
  if (!last) throw refuse(file, "empty block mapping");
  const pad = " ".repeat(column(text, rangeOf(value.items[0]?.key)[0]));
  return splice(text, pairEnd(text, last), 0, lines.map((l) => `${nl}${pad}${l}`).join(""));
}

function topPair(doc: Document, key: string): Pair | undefined {
  return isMap(doc.contents) ? findPair(doc.contents, key) : undefined;
}

export function hasTopLevelVolume(text: string, key: string): boolean {
  const doc = parse(text);
  const volumes = topPair(doc, "volumes")?.value as Node | null | undefined;
  return isMap(volumes) && findPair(volumes, key) !== undefined;
}

/** sets `volumes.<key>.<prop>` (replacing an existing value) */
export function setVolumeProperty(
  text: string,
  key: string,
  prop: "name" | "external",
  value: string | boolean,
  file?: string,
): string {
  const doc = parse(text, file);
  const volumes = topPair(doc, "volumes")?.value as Node | null | undefined;
  const pair = isMap(volumes) ? findPair(volumes, key) : undefined;
  if (!pair) throw refuse(file, `no top-level volume "${key}"`);
  const map = pair.value as Node | null;
  if (isMap(map)) {
    const existing = findPair(map, prop);
    if (existing && isScalar(existing.value)) {
      const [s, e] = rangeOf(existing.value);
      return splice(text, s, e - s, yamlScalar(value));
    }
  }
  return addToMapValue(text, doc, pair, [`${prop}: ${yamlScalar(value)}`], file);
}

/** adds `volumes.<key>` with the given properties (and the `volumes:` section if missing) */
export function addTopLevelVolume(
  text: string,
  key: string,
  props: { name?: string; external?: boolean },
  file?: string,
): string {
  const doc = parse(text, file);
  const nl = eol(text);
  const unit = indentUnit(doc, text);
  const body = [
    ...(props.name !== undefined ? [`name: ${yamlScalar(props.name)}`] : []),
    ...(props.external ? ["external: true"] : []),
  ];
  const section = topPair(doc, "volumes");
  const block = (pad: number): string[] =>
    [`${yamlScalar(key)}:`, ...body.map((l) => `${" ".repeat(unit)}${l}`)].map(
      (l) => `${" ".repeat(pad)}${l}`,
    );
  if (!section) {
    const base = text.length === 0 || text.endsWith("\n") ? text : `${text}${nl}`;
    return `${base}volumes:${nl}${block(unit).join(nl)}${nl}`;
  }
  if (isMap(section.value) && !section.value.flow && section.value.items.length > 0) {
    const pad = column(text, rangeOf(section.value.items[0]?.key)[0]);
    const last = section.value.items[section.value.items.length - 1];
    return splice(
      text,
      pairEnd(text, last),
      0,
      block(pad)
        .map((l) => `${nl}${l}`)
        .join(""),
    );
  }
  return addToMapValue(
    text,
    doc,
    section,
    [`${yamlScalar(key)}:`, ...body.map((l) => `${" ".repeat(unit)}${l}`)],
    file,
  );
}

/** appends a short-syntax mount (`key:/path`) to `services.<service>.volumes` */
export function addServiceMount(text: string, service: string, mount: string, file?: string): string {
  const doc = parse(text, file);
  const services = topPair(doc, "services")?.value as Node | null | undefined;
  const servicePair = isMap(services) ? findPair(services, service) : undefined;
  if (!servicePair) throw refuse(file, `no service "${service}"`);
  const serviceMap = servicePair.value as Node | null;
  const volumes = isMap(serviceMap) ? findPair(serviceMap, "volumes") : undefined;
  const item = yamlScalar(mount);
  if (!volumes || volumes.value === null) {
    if (isMap(serviceMap) && serviceMap.flow)
      throw refuse(file, `service "${service}" is written in flow style`);
    if (volumes) return addToMapValue(text, doc, volumes, [`- ${item}`], file);
    const unit = indentUnit(doc, text);
    return addToMapValue(text, doc, servicePair, ["volumes:", `${" ".repeat(unit)}- ${item}`], file);
  }
  const seq = volumes.value as Node;
  if (!isSeq(seq)) throw refuse(file, `services.${service}.volumes is not a list`);
  if (seq.flow) {
    const [, e] = rangeOf(seq);
    const close = text.lastIndexOf("]", e);
    const empty = seq.items.length === 0;
    return splice(text, close, 0, empty ? item : `, ${item}`);
  }
  const dashCol = column(text, rangeOf(seq)[0]);
  const last = seq.items[seq.items.length - 1];
  const at = lineEnd(text, rangeOf(last)[1]);
  return splice(text, at, 0, `${eol(text)}${" ".repeat(dashCol)}- ${item}`);
}
