/**
 * The engine's side of `kiln volumes ls`: which volumes exist, their size in bytes (the
 * engine's own disk-usage numbers, /system/df) and the owner of each one's root folder.
 */
import type { Owner, VolumeState } from "../../core/volumes/warnings.js";
import type { Engine } from "../engine/engine-types.js";
import type { VolumeTransfer } from "./volume-transfer.js";

interface DfVolume {
  Name: string;
  UsageData?: { Size?: number; RefCount?: number } | null;
}

export async function volumeSizes(transfer: VolumeTransfer): Promise<Map<string, number>> {
  const res = await transfer.text("GET", "/system/df");
  const sizes = new Map<string, number>();
  if (res.status !== 200) return sizes;
  const volumes = (JSON.parse(res.body) as { Volumes?: DfVolume[] | null }).Volumes ?? [];
  for (const v of volumes) {
    const size = v.UsageData?.Size;
    if (typeof size === "number" && size >= 0) sizes.set(v.Name, size);
  }
  return sizes;
}

export async function readVolumeStates(
  engine: Engine,
  transfer: VolumeTransfer,
  names: string[],
  options: { sizes?: boolean } = {},
): Promise<Record<string, VolumeState>> {
  const states: Record<string, VolumeState> = {};
  const unique = [...new Set(names)];
  const existing = new Set<string>();
  for (const name of unique) if (await engine.volumeInspect(name)) existing.add(name);
  // the engine measures every volume for /system/df: skippable when caches are huge
  const sizes =
    existing.size > 0 && options.sizes !== false ? await volumeSizes(transfer) : new Map<string, number>();
  for (const name of unique) {
    if (!existing.has(name)) {
      states[name] = { exists: false };
      continue;
    }
    const root = await transfer.rootOf(name);
    const owner: Owner | undefined = root ? { uid: root.uid, gid: root.gid } : undefined;
    const size = sizes.get(name);
    states[name] = {
      exists: true,
      ...(size === undefined ? {} : { sizeBytes: size }),
      ...(owner ? { owner } : {}),
      ...(root ? { mode: root.mode } : {}),
    };
  }
  return states;
}

/** names of volumes some container (running or not) mounts */
export async function volumesInUse(engine: Engine): Promise<Map<string, string[]>> {
  const used = new Map<string, string[]>();
  for (const c of await engine.listContainers({ all: true })) {
    for (const m of c.mounts) {
      if (m.type !== "volume" || !m.name) continue;
      used.set(m.name, [...(used.get(m.name) ?? []), c.names[0] ?? c.id.slice(0, 12)]);
    }
  }
  return used;
}
