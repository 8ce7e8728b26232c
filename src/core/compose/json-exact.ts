/**
 * Whether a value survives JSON unchanged — what the memo of parsed compose files needs before
 * it keeps a file's values as JSON.
 */

/** true when JSON.parse(JSON.stringify(value)) is the same value */
export function jsonExact(value: unknown): boolean {
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!(i in value) || !jsonExact(value[i])) return false;
    return true;
  }
  if (typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  if (Object.getOwnPropertySymbols(value).length > 0) return false;
  for (const [key, v] of Object.entries(value)) if (key === "__proto__" || !jsonExact(v)) return false;
  return true;
}
