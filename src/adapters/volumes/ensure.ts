/**
 * `kiln volumes ensure`: creates the cache volumes that do not exist yet (labelled as kiln's)
 * and gives each root folder to the user that writes to it — `--owner`, or the one non-root
 * user among the services that mount it — so no service meets EACCES on first use.
 */
import type { Detection } from "../../core/volumes/detect.js";
import { wantedOwner, type Owner, type VolumeState } from "../../core/volumes/warnings.js";
import type { Engine } from "../engine/types.js";
import type { VolumeTransfer } from "../engine/volume-transfer.js";
import { managedLabels } from "./labels.js";

export interface EnsureAction {
  name: string;
  purpose: string;
  created: boolean;
  /** set when kiln changed the owner of the volume's root */
  owner?: string;
  /** the owner it already had / now has */
  currentOwner?: string;
}

export async function ensureVolumes(
  detection: Detection,
  states: Record<string, VolumeState>,
  deps: { engine: Engine; transfer: VolumeTransfer; env: NodeJS.ProcessEnv; owner?: Owner },
): Promise<EnsureAction[]> {
  const actions: EnsureAction[] = [];
  const done = new Set<string>();
  for (const group of detection.groups) {
    for (const name of new Set(group.mounts.map((m) => m.engineName))) {
      if (done.has(name)) continue;
      done.add(name);
      const state = states[name];
      let created = false;
      if (!state?.exists) {
        await deps.engine.createVolume(name, managedLabels(deps.env, group.purpose));
        created = true;
      }
      const want =
        deps.owner ?? wantedOwner({ ...group, mounts: group.mounts.filter((m) => m.engineName === name) });
      const root = created ? { uid: 0, gid: 0, mode: 0o755 } : await deps.transfer.rootOf(name);
      const action: EnsureAction = { name, purpose: group.purpose, created };
      if (want && root && (root.uid !== want.uid || root.gid !== want.gid)) {
        await deps.transfer.setRoot(name, want, root.mode & 0o7777 || 0o755);
        action.owner = `${want.uid}:${want.gid}`;
        action.currentOwner = `${want.uid}:${want.gid}`;
      } else if (root) action.currentOwner = `${root.uid}:${root.gid}`;
      actions.push(action);
    }
  }
  return actions;
}
