/**
 * kiln's pin records of other folders on this machine (`<state root>/projects/*\/pins.json`):
 * where a copied or renamed folder's pins were made, so restore can undo them from the records
 * made there (#12.3). Read only; another folder's records are never changed.
 */
import fs from "node:fs";
import path from "node:path";
import type { PinRecord } from "../../core/pin/pin-record.js";
import type { PinsFile } from "./pin-store.js";
import { kilnStateRoot } from "./state-dir.js";

export interface OtherRecords {
  /** the pinned file in the other folder */
  file: string;
  records: PinRecord[];
}

/**
 * Records of a file named like `file` that pin every one of `pins` to the same image, in the
 * order they were pinned; this project's own state dir is skipped.
 */
export function recordsElsewhere(
  file: string,
  pins: readonly { service: string; imageRef: string }[],
  options: { env: Record<string, string | undefined>; ownStateDir: string },
): OtherRecords[] {
  const root = path.join(kilnStateRoot(options.env), "projects");
  let dirs: string[];
  try {
    dirs = fs.readdirSync(root);
  } catch {
    return [];
  }
  const out: OtherRecords[] = [];
  for (const d of dirs) {
    const stateDir = path.join(root, d);
    if (path.resolve(stateDir) === path.resolve(options.ownStateDir)) continue;
    let pinsFile: PinsFile;
    try {
      pinsFile = JSON.parse(fs.readFileSync(path.join(stateDir, "pins.json"), "utf8")) as PinsFile;
    } catch {
      continue;
    }
    for (const [other, byService] of Object.entries(pinsFile.files ?? {})) {
      if (path.basename(other) !== path.basename(file)) continue;
      const all = Object.values(byService);
      const mine = all.filter((r) => pins.some((p) => p.service === r.service && p.imageRef === r.imageRef));
      if (mine.length === pins.length) out.push({ file: other, records: mine });
    }
  }
  return out;
}
