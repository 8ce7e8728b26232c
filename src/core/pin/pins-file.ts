/**
 * kiln's record of what it pinned (`pins.json` in the project's state dir, read and written by
 * the state adapter's pin-store.ts): per compose file and service, the PinRecord that lets restore
 * put the original bytes back, and per devcontainer.json the properties kiln took out of it.
 * The edits here are pure: each returns a new PinsFile.
 */
import type { PinRecord } from "./pin-record.js";
import type { RemovedProperty } from "../devcontainer/jsonc-remove.js";

export interface PinsFile {
  version: 1;
  /** keyed by the file kiln writes (symlinks resolved), then by service */
  files: Record<string, Record<string, PinRecord>>;
  /** devcontainer.json path → the properties kiln took out of it (baked Features), in order */
  devcontainers?: Record<string, DevcontainerPin>;
}

export interface DevcontainerPin {
  /** the devcontainer's service, whose pinned image carries the Features */
  service: string;
  removed: RemovedProperty[];
}

/**
 * A copy of `pins` with `record` set for `target`'s service (or, with null, removed). `target`
 * is the symlink-resolved path the records are keyed by.
 */
export function withPin(pins: PinsFile, target: string, service: string, record: PinRecord | null): PinsFile {
  const files = { ...pins.files };
  const services = { ...(files[target] ?? {}) };
  if (record) services[service] = record;
  else delete services[service];
  if (Object.keys(services).length > 0) files[target] = services;
  else delete files[target];
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
