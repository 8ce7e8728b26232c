/**
 * kiln's record of what it pinned: `<stateDir>/pins.json`, per file (symlinks resolved) and
 * service, the PinRecord that lets restore put the original bytes back. It changes together
 * with the compose files it describes: pass `pinsFileChange()` to `commitFiles()` in the same
 * journal commit, so a crash never leaves a pinned file without its record.
 */
import fs from "node:fs";
import path from "node:path";
import { KilnError } from "../../core/errors.js";
import type { PinRecord } from "../../core/pin/pin-record.js";
import { withPin as withResolvedPin, type PinsFile } from "../../core/pin/pins-file.js";
import { resolveTarget } from "../fs/atomic-write.js";
import type { FileChange } from "./journal.js";

export type { DevcontainerPin, PinsFile } from "../../core/pin/pins-file.js";

export function pinsPath(stateDir: string): string {
  return path.join(stateDir, "pins.json");
}

export function readPins(stateDir: string): PinsFile {
  let text: string;
  try {
    text = fs.readFileSync(pinsPath(stateDir), "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { version: 1, files: {} };
    throw err;
  }
  try {
    return JSON.parse(text) as PinsFile;
  } catch (err) {
    throw new KilnError("ERR_KILN_BACKUP", `kiln's pin records ${pinsPath(stateDir)} are damaged`, {
      cause: err,
      hint: "kiln restore --from-backup --force puts the pristine compose files back",
    });
  }
}

/** the records of one file, in the order they were pinned */
export function pinsOf(pins: PinsFile, file: string): PinRecord[] {
  return Object.values(pins.files[resolveTarget(file)] ?? {});
}

/** a copy of `pins` with `record` set for `file` (symlinks resolved here) or, with null, removed */
export function withPin(pins: PinsFile, file: string, service: string, record: PinRecord | null): PinsFile {
  return withResolvedPin(pins, resolveTarget(file), service, record);
}

/** the journal change that writes `pins` (deletes pins.json when nothing is pinned) */
export function pinsFileChange(stateDir: string, pins: PinsFile): FileChange {
  const empty = Object.keys(pins.files).length === 0 && Object.keys(pins.devcontainers ?? {}).length === 0;
  return { path: pinsPath(stateDir), content: empty ? null : JSON.stringify(pins, null, 2) + "\n" };
}
