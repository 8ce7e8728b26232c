/** The text of `kiln volumes` (the report) and `kiln volumes inspect`. */
import type { VolumeInspection, VolumeReport } from "../core/volumes/report.js";
import { formatBytes } from "./format-bytes.js";

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

export function formatVolumeInspection(r: VolumeInspection): string {
  return [
    `${r.name}: ${formatBytes(r.sizeBytes)} on disk, ${r.files} files (${formatBytes(r.contentBytes)}), ${r.directories} folders, ${r.symlinks} symlinks, owner ${r.owner ?? "?"}`,
    `used by: ${r.usedBy.length ? r.usedBy.join(", ") : "no container"}`,
    ...(r.largest.length
      ? ["largest files:", ...r.largest.map((f) => `  ${formatBytes(f.sizeBytes).padStart(10)}  ${f.path}`)]
      : []),
  ].join("\n");
}
