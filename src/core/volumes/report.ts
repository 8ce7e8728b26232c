/**
 * The `kiln volumes ls` result: one entry per engine volume that holds a cache, with the
 * services that mount it and what is wrong. Plain data, printed as JSON or as a table.
 */
import type { Detection } from "./detect.js";
import { warningsFor, type VolumeState, type VolumeWarning } from "./warnings.js";

export interface VolumeUse {
  project: string;
  service: string;
  path: string;
}

export interface VolumeEntry {
  name: string;
  purpose: string;
  /** the name every project should use for this cache (what `volumes fix` writes) */
  sharedName: string;
  exists: boolean;
  sizeBytes: number | null;
  owner: string | null;
  usedBy: VolumeUse[];
  warnings: VolumeWarning[];
}

export interface ProjectRef {
  name: string;
  projectDir: string;
  files: string[];
}

export interface VolumeReport {
  projects: ProjectRef[];
  volumes: VolumeEntry[];
}

export function buildVolumeReport(
  detection: Detection,
  states: Record<string, VolumeState>,
  projects: ProjectRef[],
): VolumeReport {
  const volumes: VolumeEntry[] = [];
  for (const group of detection.groups) {
    const names = [...new Set(group.mounts.map((m) => m.engineName))];
    for (const name of names) {
      const state = states[name];
      volumes.push({
        name,
        purpose: group.purpose,
        sharedName: group.sharedName,
        exists: state?.exists ?? false,
        sizeBytes: state?.sizeBytes ?? null,
        owner: state?.owner ? `${state.owner.uid}:${state.owner.gid}` : null,
        usedBy: group.mounts
          .filter((m) => m.engineName === name)
          .map((m) => ({ project: m.project, service: m.service, path: m.path })),
        warnings: warningsFor(group, name, detection.participants, state),
      });
    }
  }
  return { projects, volumes };
}

/** `kiln volumes inspect NAME`'s result: what the volume holds, read from its archive stream */
export interface VolumeInspection {
  name: string;
  labels: Record<string, string>;
  createdAt: string | null;
  sizeBytes: number | null;
  /** sum of the regular files' sizes */
  contentBytes: number;
  files: number;
  directories: number;
  symlinks: number;
  owner: string | null;
  largest: { path: string; sizeBytes: number }[];
  usedBy: string[];
}
