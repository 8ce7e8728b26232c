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
import type { RemovedProperty } from "../../core/devcontainer/jsonc-remove.js";
import { resolveTarget } from "../fs/atomic-write.js";
import type { FileChange } from "./journal.js";

export interface PinsFile {
  version: 1;
  files: Record<string, Record<string, PinRecord>>;
  /** devcontainer.json path → the properties kiln took out of it (baked Features), in order */
  devcontainers?: Record<string, DevcontainerPin>;
}

export interface DevcontainerPin {
  /** the devcontainer's service, whose pinned image carries the Features */
  service: string;
  removed: RemovedProperty[];
}

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

/** a copy of `pins` with `record` set (or, with null, the service's record removed) */
export function withPin(pins: PinsFile, file: string, service: string, record: PinRecord | null): PinsFile {
  const key = resolveTarget(file);
  const files = { ...pins.files };
  const services = { ...(files[key] ?? {}) };
  if (record) services[service] = record;
  else delete services[service];
  if (Object.keys(services).length > 0) files[key] = services;
  else delete files[key];
  return { ...pins, version: 1, files };
}

/** a copy of `pins` with the devcontainer.json record set (or removed with null) */
export function withDevcontainerPin(
  pins: PinsFile,
  configPath: string,
  record: DevcontainerPin | null,
): PinsFile {
  const devcontainers = { ...(pins.devcontainers ?? {}) };
  if (record) devcontainers[configPath] = record;
  else delete devcontainers[configPath];
  const { devcontainers: _old, ...rest } = pins;
  void _old;
  return Object.keys(devcontainers).length > 0 ? { ...rest, devcontainers } : rest;
}

/** the journal change that writes `pins` (deletes pins.json when nothing is pinned) */
export function pinsFileChange(stateDir: string, pins: PinsFile): FileChange {
  const empty = Object.keys(pins.files).length === 0 && Object.keys(pins.devcontainers ?? {}).length === 0;
  return { path: pinsPath(stateDir), content: empty ? null : JSON.stringify(pins, null, 2) + "\n" };
}
