/**
 * A memo of opening a pinned compose file: which recorded pins the file no longer carries, and
 * its text with the others undone. Both are a function of the file's text and its pin records
 * only, and a no-op bake asks the same question as the run before it — answered from here it
 * parses no YAML (#14 performance). One entry per file, in kiln's state root next to the
 * compose model memo; an entry for other bytes or other records is simply not used.
 */
import { readFileSync } from "node:fs";
import { writeCacheFile } from "./fs/cache-file.js";
import path from "node:path";
import { sha1Hex } from "../core/digest.js";
import { kilnStateRoot } from "./state/state-dir.js";

/** what opening `file` with its pin records gave */
export interface UnpinView {
  /** services whose pin the file no longer carries (their build: is back, or they are gone) */
  gone: string[];
  /** the text with the remaining pins undone; null when none remains */
  unpinned: string | null;
}

interface Entry extends UnpinView {
  version: 1;
  key: string;
}

export class UnpinMemo {
  constructor(private readonly env: NodeJS.ProcessEnv) {}

  get(file: string, text: string, records: unknown): UnpinView | undefined {
    try {
      const entry = JSON.parse(readFileSync(this.path(file), "utf8")) as Partial<Entry>;
      if (entry.version !== 1 || entry.key !== keyOf(text, records) || !Array.isArray(entry.gone))
        return undefined;
      return { gone: entry.gone, unpinned: typeof entry.unpinned === "string" ? entry.unpinned : null };
    } catch {
      return undefined;
    }
  }

  set(file: string, text: string, records: unknown, view: UnpinView): void {
    // a memo that cannot be written only costs the next run a YAML parse
    writeCacheFile(
      this.path(file),
      JSON.stringify({ version: 1, key: keyOf(text, records), ...view } satisfies Entry),
    );
  }

  private path(file: string): string {
    const name = sha1Hex(file);
    return path.join(kilnStateRoot(this.env), "models", `unpin-${name}.json`);
  }
}

function keyOf(text: string, records: unknown): string {
  return sha1Hex(JSON.stringify([text, records]));
}
