/**
 * Finds a service's mapping and its keys in the source text of a compose file, as byte offsets,
 * so that pins are splices of the original text rather than a re-serialisation.
 */
import {
  isAlias,
  isMap,
  isScalar,
  parseDocument,
  type Document,
  type Node,
  type Pair,
  type YAMLMap,
} from "yaml";
import { KilnError } from "../errors.js";

export interface KeyPair {
  key: string;
  /** offset of the key's first character */
  keyStart: number;
  /** offset of the value's first character (= keyEnd when there is no value) */
  valueStart: number;
  /** offset right after the value's last character */
  valueEnd: number;
  pair: Pair;
}

export interface LocatedService {
  name: string;
  map: YAMLMap;
  flow: boolean;
  pairs: KeyPair[];
  build?: KeyPair;
  image?: KeyPair;
  merge?: KeyPair;
  extends?: KeyPair;
}

export function parseCompose(text: string, file = "compose file"): Document {
  const doc = parseDocument(text, { merge: true, keepSourceTokens: true, uniqueKeys: false });
  if (doc.errors.length > 0) {
    throw new KilnError("ERR_KILN_COMPOSE_PARSE", `${file}: ${doc.errors[0].message}`, {
      hint: "fix the YAML syntax, then run kiln again",
    });
  }
  return doc;
}

export function locateService(doc: Document, service: string, file = "compose file"): LocatedService {
  const root = doc.contents;
  const services = isMap(root) ? root.get("services", true) : undefined;
  if (!isMap(services)) {
    throw new KilnError("ERR_KILN_UNKNOWN_SERVICE", `${file} has no services mapping`, {
      hint: "kiln pins only the file that declares the service's build:",
    });
  }
  const node = services.get(service, true) as Node | undefined;
  if (node === undefined) {
    throw new KilnError("ERR_KILN_UNKNOWN_SERVICE", `service "${service}" is not declared in ${file}`, {
      hint: "kiln config lists the services and the file each comes from",
    });
  }
  if (isAlias(node) || !isMap(node)) {
    throw new KilnError(
      "ERR_KILN_PIN_REFUSED",
      `service "${service}" in ${file} is an alias or not a mapping; pinning it in place would change a shared definition`,
      { hint: "use kiln bake --mode override" },
    );
  }
  const pairs: KeyPair[] = [];
  for (const pair of node.items) {
    if (!isScalar(pair.key) || !pair.key.range) continue;
    const raw: unknown = pair.key.value;
    const key = typeof raw === "symbol" ? "<<" : String(raw); // yaml's merge key is a symbol
    const keyEnd = pair.key.range[1];
    const value = pair.value as Node | null;
    const range = value?.range;
    pairs.push({
      key,
      keyStart: pair.key.range[0],
      valueStart: range ? range[0] : keyEnd,
      valueEnd: range ? range[1] : keyEnd,
      pair,
    });
  }
  const find = (k: string) => pairs.find((p) => p.key === k);
  return {
    name: service,
    map: node,
    flow: node.flow === true,
    pairs,
    build: find("build"),
    image: find("image"),
    merge: find("<<"),
    extends: find("extends"),
  };
}

/** Plain-scalar when safe, else the quote style the old value used (double by default). */
export function formatScalar(value: string, like?: string): string {
  const quote = like?.[0];
  if (quote === "'") return `'${value.replaceAll("'", "''")}'`;
  if (quote !== '"' && /^[A-Za-z0-9_./@+-][A-Za-z0-9_./:@+-]*$/.test(value) && !value.includes(": ")) {
    return value;
  }
  return JSON.stringify(value);
}
