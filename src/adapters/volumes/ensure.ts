/**
 * `kiln volumes ensure`: creates the cache volumes that do not exist yet (labelled as kiln's)
 * and gives each root folder to the user that writes to it — `--owner`, or the one non-root
 * user among the services that mount it — so no service meets EACCES on first use.
 */
import { KilnError } from "../../core/errors.js";
import type { Detection } from "../../core/volumes/detect.js";
import { wantedOwner, type Owner, type VolumeState } from "../../core/volumes/warnings.js";
import type { Engine } from "../engine/engine-types.js";
import type { VolumeTransfer } from "./volume-transfer.js";
import { composeVolumeLabels, managedLabels } from "../../core/volumes/labels.js";
import { createOwnedPodmanVolume, podmanNeedsChown } from "./podman-volumes.js";

export interface EnsureAction {
  name: string;
  purpose: string;
  created: boolean;
  /** set when kiln changed the owner of the volume's root */
  owner?: string;
  /** the owner it already had / now has */
  currentOwner?: string;
}

const FALLBACK_CHOWN_IMAGE = "kiln-local/busybox:latest";

/** a local image to run `chown` in: a service's own image first, then kiln's busybox */
async function localChownImage(engine: Engine, images: string[]): Promise<string | undefined> {
  for (const image of [...new Set(images), FALLBACK_CHOWN_IMAGE])
    if (await engine.imageInspect(image)) return image;
  return undefined;
}

async function chownImage(engine: Engine, images: string[]): Promise<string> {
  const image = await localChownImage(engine, images);
  if (image) return image;
  throw new KilnError("ERR_KILN_IMAGE_MISSING", "no local image to run chown -R in", {
    hint: "build the services' images first (kiln bake), or drop --recursive: the volume's root folder is changed without one",
  });
}

export interface EnsureDeps {
  engine: Engine;
  transfer: VolumeTransfer;
  env: NodeJS.ProcessEnv;
  /** --owner: every volume's root given to this user */
  owner?: Owner;
  /** --recursive: `chown -R` of an existing volume's files too */
  recursive?: boolean;
}

export async function ensureVolumes(
  detection: Detection,
  states: Record<string, VolumeState>,
  deps: EnsureDeps,
): Promise<EnsureAction[]> {
  const actions: EnsureAction[] = [];
  const done = new Set<string>();
  const podman = await deps.transfer.isPodman();
  for (const group of detection.groups) {
    for (const name of new Set(group.mounts.map((m) => m.engineName))) {
      if (done.has(name)) continue;
      done.add(name);
      const state = states[name];
      const mounts = group.mounts.filter((m) => m.engineName === name);
      const want = deps.owner ?? wantedOwner({ ...group, mounts });
      const action: EnsureAction = { name, purpose: group.purpose, created: false };
      actions.push(action);
      if (!state?.exists) {
        const mount = mounts.find((m) => !m.external);
        const labels = {
          ...managedLabels(deps.env, group.purpose),
          // a volume a project declares without external: compose's own labels keep `up` quiet
          ...(mount ? composeVolumeLabels(mount.project, mount.volumeKey) : {}),
        };
        action.created = true;
        if (podman && want) {
          // Podman re-owns an API-created volume at its first start; one created owned keeps it
          await createOwnedPodmanVolume(deps.transfer, name, labels, want);
          action.owner = action.currentOwner = `${want.uid}:${want.gid}`;
          continue;
        }
        await deps.engine.createVolume(name, labels);
      }
      const created = action.created;
      const root = created ? { uid: 0, gid: 0, mode: 0o755 } : await deps.transfer.rootOf(name);
      if (want && !created && podman && (await podmanNeedsChown(deps.transfer, name))) {
        // never started with: Podman would re-own its root at the first start, undoing an owner
        // set through the archive API; a started chown settles it (none without a local image)
        const image = await localChownImage(
          deps.engine,
          mounts.map((m) => m.image),
        );
        if (image) {
          await deps.transfer.chownAll(name, want, image, { recursive: deps.recursive === true });
          action.owner = `${want.uid}:${want.gid}${deps.recursive ? " (recursive)" : ""}`;
          action.currentOwner = `${want.uid}:${want.gid}`;
          continue;
        }
      }
      if (want && !created && deps.recursive) {
        const image = await chownImage(
          deps.engine,
          group.mounts.filter((m) => m.engineName === name).map((m) => m.image),
        );
        await deps.transfer.chownAll(name, want, image);
        action.owner = `${want.uid}:${want.gid} (recursive)`;
        action.currentOwner = `${want.uid}:${want.gid}`;
      } else if (want && (root ? root.uid !== want.uid || root.gid !== want.gid : podman)) {
        // (Podman: an owner kiln cannot read — rootless or remote — is set anyway)
        await deps.transfer.setRoot(name, want, root ? root.mode & 0o7777 || 0o755 : 0o755);
        action.owner = `${want.uid}:${want.gid}`;
        action.currentOwner = `${want.uid}:${want.gid}`;
      } else if (root) action.currentOwner = `${root.uid}:${root.gid}`;
    }
  }
  return actions;
}
