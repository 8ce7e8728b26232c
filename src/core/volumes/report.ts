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

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || bytes < 0) return "-";
  const units = ["B", "kB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

export function formatVolumeReport(report: VolumeReport): string {
  const lines: string[] = [];
  lines.push(`projects: ${report.projects.map((p) => `${p.name} (${p.projectDir})`).join(", ") || "none"}`);
  if (report.volumes.length === 0) {
    lines.push("no cache volumes found");
    return lines.join("\n");
  }
  for (const v of report.volumes) {
    const size = v.exists ? formatBytes(v.sizeBytes) : "missing";
    lines.push("");
    lines.push(`${v.name}  [${v.purpose}]  ${size}${v.owner ? `  owner ${v.owner}` : ""}`);
    for (const u of v.usedBy) lines.push(`  ${u.project}/${u.service}: ${u.path}`);
    for (const w of v.warnings) lines.push(`  ! ${w.code}: ${w.message}`);
  }
  const problems = report.volumes.reduce((n, v) => n + v.warnings.length, 0);
  lines.push("");
  lines.push(
    problems === 0
      ? "no problems"
      : `${problems} warning(s): \`kiln volumes fix\` and \`kiln volumes ensure\` mend most of them`,
  );
  return lines.join("\n");
}
