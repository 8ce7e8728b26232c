/**
 * The devcontainer.json half of a pin (#13.2): once the devcontainer's service is pinned to an
 * image that carries its Features, `features` and `overrideFeatureInstallOrder` come out of
 * devcontainer.json (else the CLI would install them again on top) — a byte-minimal JSONC splice,
 * committed in the same journal as the compose edit and pins.json, the original backed up first.
 * Restore puts the same bytes back against the same neighbours.
 */
import { configuredFeatures } from "../core/devcontainer/features.js";
import {
  hasTopLevel,
  removeTopLevel,
  restoreTopLevel,
  type RemovedProperty,
} from "../core/devcontainer/jsonc-remove.js";
import { withDevcontainerPin, type DevcontainerPin, type PinsFile } from "../core/pin/pins-file.js";
import type { FileChange } from "../adapters/state/journal.js";
import type { OpenedProject } from "./open-project.js";
import type { Backups } from "./ports.js";
import { devcontainerService } from "./devcontainer-layers.js";

/** the properties a baked image makes redundant, removed in this order */
export const BAKED_PROPERTIES = ["features", "overrideFeatureInstallOrder"] as const;

/** the text with kiln's removals undone */
export function unpinnedDevcontainerText(current: string, record: DevcontainerPin): string {
  let text = current;
  for (const r of [...record.removed].reverse()) text = restoreTopLevel(text, r);
  return text;
}

/** a record is live while the file still lacks every property it removed (a git checkout brings them back) */
export function devcontainerPinIsLive(text: string, record: DevcontainerPin): boolean {
  return record.removed.every((r) => !hasTopLevel(text, r.key));
}

export interface PinsUpdate {
  pins: PinsFile;
  change: FileChange;
}

/**
 * Takes the baked Features out of devcontainer.json when the devcontainer's service is pinned
 * (its original backed up in `backups` first).
 */
export function devcontainerPinChange(
  project: OpenedProject,
  backups: Backups,
  pinned: string[],
  pins: PinsFile,
): PinsUpdate | undefined {
  const dc = project.model.devcontainer;
  const service = devcontainerService(project.model);
  if (!dc || !service || !pinned.includes(service)) return undefined;
  if (configuredFeatures(dc.config).length === 0) return undefined;
  if (pins.devcontainers?.[dc.configPath]) return undefined; // already out
  const current = project.files.read(dc.configPath);
  let text = current;
  const removed: RemovedProperty[] = [];
  for (const key of BAKED_PROPERTIES) {
    const r = removeTopLevel(text, key);
    if (!r) continue;
    text = r.text;
    removed.push(r.removed);
  }
  if (removed.length === 0) return undefined;
  if (backups.get(dc.configPath)) backups.discard(dc.configPath);
  backups.ensureBackup(dc.configPath, current);
  return {
    pins: withDevcontainerPin(pins, dc.configPath, { service, removed }),
    change: { path: dc.configPath, content: text, expectedCurrent: current },
  };
}

/** puts the Features back when the devcontainer's service is unpinned (all services, or it by name) */
export function devcontainerUnpinChange(
  project: OpenedProject,
  services: string[],
  pins: PinsFile,
): PinsUpdate | undefined {
  for (const [configPath, record] of Object.entries(project.pins.devcontainers ?? {})) {
    if (services.length > 0 && !services.includes(record.service)) continue;
    const current = project.files.read(configPath);
    return {
      pins: withDevcontainerPin(pins, configPath, null),
      change: {
        path: configPath,
        content: unpinnedDevcontainerText(current, record),
        expectedCurrent: current,
      },
    };
  }
  return undefined;
}
