/** A stable sha256 of JSON-able data: object keys sorted, so equal content gives an equal hash. */
import { sha256Hex } from "../digest.js";

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(",")}}`;
}

export function sha256(text: string | Uint8Array): string {
  return sha256Hex(text);
}

export function canonicalHash(value: unknown): string {
  return sha256(canonicalJson(value));
}
