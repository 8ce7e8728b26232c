/**
 * Where Podman's compatible API differs for volumes (#18), measured on Podman 4.3.1:
 * - its archive GET gives every entry the helper container's user (it chowns what it copies
 *   to the container's user, as `podman cp` does), so owners cannot be read that way: kiln
 *   stats the volume's Mountpoint on the host instead, when it can (a local socket, kiln as
 *   root talking to rootful Podman — the IDs on the host are then the containers' IDs);
 * - a volume created through the API "needs chown": the first container started with it
 *   re-owns its root to that container's user (or to the owner of the mount target in its
 *   image), undoing an owner kiln set through the archive API. A volume created with the local
 *   driver's `o=uid=U,gid=G` option keeps its owner, so kiln creates owned caches that way.
 */
import { stat } from "node:fs/promises";
import { KilnError } from "../../core/errors.js";
import type { Owner } from "../../core/volumes/warnings.js";
import type { VolumeTransfer } from "./volume-transfer.js";

export interface RootStat {
  uid: number;
  gid: number;
  mode: number;
}

interface LibpodVolume {
  Mountpoint?: string;
  NeedsChown?: boolean;
}

/** libpod's own endpoints answer only under a version prefix (404 without) */
async function libpodVolume(transfer: VolumeTransfer, name: string): Promise<LibpodVolume | undefined> {
  const res = await transfer.text("GET", `/v4.0.0/libpod/volumes/${encodeURIComponent(name)}/json`);
  return res.status === 200 ? (JSON.parse(res.body) as LibpodVolume) : undefined;
}

/**
 * owner and mode of the volume's root, from its Mountpoint on this host; undefined when kiln
 * cannot see it (a remote engine, rootless Podman or kiln not root: host IDs are shifted)
 */
export async function podmanRootOf(
  transfer: VolumeTransfer,
  name: string,
  asRoot = process.getuid?.() === 0,
): Promise<RootStat | undefined> {
  if (!asRoot || !transfer.local) return undefined;
  const mountpoint = (await libpodVolume(transfer, name))?.Mountpoint;
  if (!mountpoint) return undefined;
  try {
    const s = await stat(mountpoint);
    return s.isDirectory() ? { uid: s.uid, gid: s.gid, mode: s.mode & 0o7777 } : undefined;
  } catch {
    return undefined;
  }
}

/** true while Podman would re-own the volume's root at the first container start */
export async function podmanNeedsChown(transfer: VolumeTransfer, name: string): Promise<boolean> {
  return (await libpodVolume(transfer, name))?.NeedsChown === true;
}

/** creates a volume whose root is owned by `owner` and stays so (no chown at first use) */
export async function createOwnedPodmanVolume(
  transfer: VolumeTransfer,
  name: string,
  labels: Record<string, string>,
  owner: Owner,
): Promise<void> {
  const res = await transfer.text("POST", "/volumes/create", {
    Name: name,
    Labels: labels,
    DriverOpts: { o: `uid=${owner.uid},gid=${owner.gid}` },
  });
  if (res.status >= 300)
    throw new KilnError("ERR_KILN_VOLUME", `cannot create volume ${name}: ${res.body.trim()}`, {
      hint: `check the engine's log and free disk space; \`podman volume create --opt o=uid=${owner.uid},gid=${owner.gid} ${name}\` shows Podman's own error`,
    });
}

export function podmanExportRefusal(name: string): KilnError {
  return new KilnError(
    "ERR_KILN_ENGINE_UNSUPPORTED",
    `kiln volumes export on Podman would lose the owners of ${name}'s files: Podman's archive API gives every file the reading container's user`,
    { hint: `export it with Podman itself: podman volume export ${name} --output ${name}.tar` },
  );
}
