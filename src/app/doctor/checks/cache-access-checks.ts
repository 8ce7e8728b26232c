/**
 * Can each non-root user that mounts a cache volume write it? For a devcontainer's service that
 * user is the remote user (vscode), whose UID comes from the pinned image (the baked UID layer).
 * Only volumes that exist are judged (the existence checks cover the rest), and not apt's: only
 * root writes those.
 */
import type { CheckResult } from "../../../core/doctor/check.js";
import type { ProjectModel } from "../../../core/compose/model.js";
import { detectCaches } from "../../../core/volumes/detect.js";
import { judgeAccess } from "../../../core/volumes/access.js";
import { wantedOwner } from "../../../core/volumes/warnings.js";
import { writtenByRootOnly } from "../../../core/volumes/purposes.js";
import type { Engine } from "../../../adapters/engine/engine-types.js";
import type { VolumeTransfer } from "../../../adapters/volumes/volume-transfer.js";

export async function cacheAccessChecks(
  engine: Engine,
  transfer: VolumeTransfer,
  model: ProjectModel,
): Promise<CheckResult[]> {
  const cached = detectCaches({ projects: [model] });
  const images = cached.groups.flatMap((g) => g.mounts.map((m) => m.image));
  if (images.length === 0) return [];
  const detection = detectCaches({ projects: [model], images: await transfer.imageFacts(images) });
  const out: CheckResult[] = [];
  for (const group of detection.groups) {
    if (writtenByRootOnly(group.purpose)) continue;
    for (const m of group.mounts) {
      if (m.user.uid === undefined || m.user.uid === 0) continue;
      if (!(await engine.volumeInspect(m.engineName))) continue;
      const state = await transfer.rootAndEmptiness(m.engineName);
      if (!state) continue;
      // an empty volume takes the image's folder: only knowable when the image is here
      const local = state.empty ? await engine.imageInspect(m.image) : undefined;
      if (state.empty && !local) continue;
      const imageFolder = local ? await transfer.imageFolder(m.image, m.path) : undefined;
      const ensureOwner = wantedOwner({
        ...group,
        mounts: group.mounts.filter((x) => x.engineName === m.engineName),
      });
      const finding = judgeAccess({
        volume: m.engineName,
        path: m.path,
        where: `${m.project}/${m.service}`,
        user: m.user,
        image: m.image,
        root: state.root,
        empty: state.empty,
        ...(imageFolder ? { imageFolder } : {}),
        ...(ensureOwner ? { ensureOwner } : {}),
      });
      if (!finding) continue;
      out.push({
        id: `volume.${m.engineName}.access.${m.service}`,
        status: finding.writable ? "ok" : "warn",
        message: finding.message,
        ...(finding.hint ? { hint: finding.hint } : {}),
      });
    }
  }
  return out;
}
