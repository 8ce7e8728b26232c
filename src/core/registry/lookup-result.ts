/**
 * What the registry answered for one service's current fingerprint (the registry adapter's lookup.ts
 * asks), and the notes a bake logs for the answers it cannot use.
 */
import type { KilnError } from "../errors.js";

export type Lookup =
  | { state: "found"; ref: string; digest: string }
  | { state: "absent"; ref: string }
  | { state: "mismatch"; ref: string; label: string | undefined }
  | { state: "error"; ref: string; error: KilnError };

/** one line per lookup that did not find a usable image, for stderr */
export function lookupNotes(lookups: Map<string, Lookup>): string[] {
  const notes: string[] = [];
  const errors = new Set<string>();
  for (const [service, l] of lookups) {
    if (l.state === "mismatch") {
      notes.push(
        `kiln: ${l.ref} exists but carries fingerprint ${l.label ?? "(none)"}, not ${service}'s current one: building instead`,
      );
    } else if (l.state === "error" && !errors.has(l.error.message)) {
      errors.add(l.error.message);
      notes.push(
        `kiln: ${l.error.message}; building instead${l.error.hint ? `\nhint: ${l.error.hint}` : ""}`,
      );
    }
  }
  return notes;
}
