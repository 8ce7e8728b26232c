/**
 * The plan as text: one line per service with what kiln will do and why.
 */
import type { Plan } from "../core/plan/plan.js";
import { planReason, readsNote } from "./plan-reason.js";

export function formatPlan(plan: Plan): string {
  const width = Math.max(7, ...plan.targets.map((t) => t.service.length));
  const lines = [`plan for project ${plan.project} (${plan.mode}):`];
  for (const t of plan.targets) {
    lines.push(`  ${t.service.padEnd(width)}  ${planReason(t)}  → ${t.imageRef}`);
    const pad = `  ${"".padEnd(width)}  `;
    if (t.stages) {
      // a devcontainer's service: its build, then the Features and the UID layer on top
      lines.push(`${pad}stage service: ${t.stages.service.imageRef}`);
      if (t.stages.features)
        lines.push(
          `${pad}stage Features: ${t.stages.features.order.join(" → ")}  → ${t.stages.features.imageRef}`,
        );
      if (t.stages.uid)
        lines.push(
          `${pad}stage UID layer (uid ${t.stages.uid.uid}, gid ${t.stages.uid.gid}): ${t.stages.uid.imageRef}`,
        );
    }
    const note = readsNote(t.reads);
    if (note) lines.push(`${pad}${note}`);
    if (t.missingBaseImages.length > 0 && t.action === "build") {
      lines.push(
        `  ${"".padEnd(width)}  base image not on this engine: ${t.missingBaseImages.join(", ")} (a build would pull it)`,
      );
    }
  }
  if (plan.levels.length > 1) lines.push(`  order: ${plan.levels.map((l) => l.join(" + ")).join(" → ")}`);
  return lines.join("\n");
}
