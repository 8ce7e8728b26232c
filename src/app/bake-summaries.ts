/** A bake's results as the run history records them (src/adapters/history/run-recorder.ts). */
import type { ServiceSummary } from "../adapters/history/run-recorder.js";
import type { BakeReport } from "./bake-project.js";

export function bakeSummaries(report: BakeReport): ServiceSummary[] {
  return report.results.map((r) => {
    const target = report.plan.targets.find((t) => t.service === r.service);
    const size = report.summary?.imageSizes[r.service];
    return {
      service: r.service,
      image: r.image,
      action: r.action,
      reason: r.reason,
      ...(target ? { fingerprint: target.fingerprint } : {}),
      ...(size !== undefined ? { imageSize: size } : {}),
    };
  });
}
