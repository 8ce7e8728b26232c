/**
 * Writes one of kiln's cache files in its state dir (stat cache, listing memo, compose model
 * memo, unpin memo, client detection), creating the folder: a temp file next to it,
 * then a rename, so a reader sees the old file or the new one, never half of one. A cache that
 * cannot be written is not an error — the next run only does more work — so nothing is thrown.
 */
import { mkdirSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";

export function writeCacheFile(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      /* nothing to clean */
    }
  }
}
