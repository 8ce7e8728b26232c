/**
 * `kiln volumes inspect NAME`: size, file count and the largest files of a volume, read from
 * the engine's archive stream (nothing is started, nothing is pulled).
 */
import { KilnError } from "../../core/errors.js";
import type { Engine } from "../engine/engine-types.js";
import type { VolumeTransfer } from "./volume-transfer.js";
import { volumeSizes, volumesInUse } from "./volume-states.js";
import type { VolumeInspection } from "../../core/volumes/report.js";

export type { VolumeInspection };

export async function requireVolume(
  engine: Engine,
  name: string,
): Promise<{ labels: Record<string, string>; createdAt?: string }> {
  const info = await engine.volumeInspect(name);
  if (!info) {
    throw new KilnError("ERR_KILN_VOLUME", `no volume named ${name}`, {
      hint: "list cache volumes with `kiln volumes ls`, all volumes with `docker volume ls`",
      exitCode: 2,
    });
  }
  return info;
}

export async function inspectVolume(
  engine: Engine,
  transfer: VolumeTransfer,
  name: string,
  top = 10,
): Promise<VolumeInspection> {
  const info = await requireVolume(engine, name);
  const result: VolumeInspection = {
    name,
    labels: info.labels,
    createdAt: info.createdAt ?? null,
    sizeBytes: (await volumeSizes(transfer)).get(name) ?? null,
    contentBytes: 0,
    files: 0,
    directories: 0,
    symlinks: 0,
    owner: null,
    largest: [],
    usedBy: (await volumesInUse(engine)).get(name) ?? [],
  };
  const largest: { path: string; sizeBytes: number }[] = [];
  await transfer.walk(name, (e) => {
    if (e.name === "./" || e.name === ".") {
      result.owner = `${e.uid}:${e.gid}`;
      return;
    }
    if (e.type === "dir") result.directories += 1;
    else if (e.type === "symlink") result.symlinks += 1;
    else if (e.type === "file") {
      result.files += 1;
      result.contentBytes += e.size;
      largest.push({ path: e.name.replace(/^\.\//, ""), sizeBytes: e.size });
      if (largest.length > top * 4) {
        largest.sort((a, b) => b.sizeBytes - a.sizeBytes);
        largest.length = top;
      }
    }
  });
  if (result.owner === null) {
    // Podman's archive has no root entry
    const root = await transfer.rootOf(name);
    if (root) result.owner = `${root.uid}:${root.gid}`;
  }
  largest.sort((a, b) => b.sizeBytes - a.sizeBytes);
  result.largest = largest.slice(0, top);
  return result;
}
