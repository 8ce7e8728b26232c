/**
 * `kiln volumes export NAME FILE.tar` and `kiln volumes import FILE.tar NAME`: a volume's
 * files as a plain tar (entries relative to the volume root, owners, modes and symlinks
 * kept). Export writes a temp file and renames it; import checks the whole archive before it
 * touches a volume and refuses to replace an existing one without --force.
 */
import { createReadStream, createWriteStream, existsSync, renameSync, rmSync, statSync } from "node:fs";
import { Transform } from "node:stream";
import { KilnError } from "../../core/errors.js";
import { TarStreamParser } from "../../core/volumes/tar-stream.js";
import type { Engine } from "../engine/engine-types.js";
import type { VolumeTransfer } from "./volume-transfer.js";
import { requireVolume } from "./inspect.js";
import { extraLabels } from "../../core/volumes/labels.js";
import { createOwnedPodmanVolume } from "./podman-volumes.js";
import type { TransferProgress } from "../../report/transfer-progress.js";
import { volumeSizes, volumesInUse } from "./volume-states.js";

export interface ArchiveDeps {
  engine: Engine;
  transfer: VolumeTransfer;
  env: NodeJS.ProcessEnv;
  /** made once the total is known */
  progress: (total: number | undefined) => TransferProgress;
}

export async function exportVolume(
  name: string,
  file: string,
  options: { force: boolean },
  deps: ArchiveDeps,
): Promise<{ bytes: number }> {
  await requireVolume(deps.engine, name);
  if (existsSync(file) && !options.force) {
    throw new KilnError("ERR_KILN_VOLUME", `${file} exists: not overwriting it`, {
      hint: "pass --force to replace it, or choose another file",
      exitCode: 2,
    });
  }
  const total = (await volumeSizes(deps.transfer)).get(name);
  const progress = deps.progress(total);
  const temp = `${file}.kiln-${process.pid}.partial`;
  let bytes = 0;
  try {
    await deps.transfer.exportTo(name, createWriteStream(temp), (n) => {
      bytes += n;
      progress.add(n);
    });
    renameSync(temp, file);
  } catch (e: unknown) {
    rmSync(temp, { force: true });
    throw e;
  }
  progress.done();
  return { bytes };
}

export interface TarCheck {
  entries: number;
  bytes: number;
  root?: { uid: number; gid: number; mode: number };
}

/** reads the whole archive: a damaged or foreign file fails here, before any volume changes */
export async function checkTar(file: string): Promise<TarCheck> {
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new KilnError("ERR_KILN_VOLUME", `${file}: no such file`, {
      hint: "give the path of an archive made by kiln volumes export",
      exitCode: 2,
    });
  }
  const check: TarCheck = { entries: 0, bytes: statSync(file).size };
  const parser = new TarStreamParser((e) => {
    check.entries += 1;
    if (check.entries === 1 && (e.name === "./" || e.name === ".") && e.type === "dir") {
      check.root = { uid: e.uid, gid: e.gid, mode: e.mode & 0o7777 };
    }
  });
  for await (const chunk of createReadStream(file)) parser.push(chunk as Buffer);
  parser.end();
  return check;
}

export async function importVolume(
  file: string,
  name: string,
  options: {
    force: boolean;
    /** labels of a volume created here: kiln's managed labels only for a known cache (#12.6) */
    labels?: Record<string, string>;
  },
  deps: ArchiveDeps,
): Promise<TarCheck & { replaced: boolean }> {
  const existing = await deps.engine.volumeInspect(name);
  if (existing && !options.force) {
    throw new KilnError("ERR_KILN_VOLUME", `volume ${name} exists: not replacing its contents`, {
      hint: `pass --force to replace it (export it first to keep a copy: kiln volumes export ${name} ${name}.tar)`,
      exitCode: 2,
    });
  }
  const check = await checkTar(file);
  if (existing) {
    const users = (await volumesInUse(deps.engine)).get(name);
    if (users) {
      throw new KilnError(
        "ERR_KILN_VOLUME",
        `volume ${name} is in use by ${users.join(", ")}: not replacing it`,
        {
          hint: `remove the container(s) first: docker rm ${users.join(" ")}`,
        },
      );
    }
    await deps.engine.removeVolume(name);
  }
  const labels = existing ? existing.labels : (options.labels ?? extraLabels(deps.env));
  // Podman re-owns an API-created volume's root at its first start: create it owned instead
  if (check.root && (await deps.transfer.isPodman()))
    await createOwnedPodmanVolume(deps.transfer, name, labels, check.root);
  else await deps.engine.createVolume(name, labels);
  const progress = deps.progress(check.bytes);
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      progress.add(chunk.length);
      cb(null, chunk);
    },
  });
  try {
    await deps.transfer.importFrom(name, createReadStream(file).pipe(counter), check.root);
  } catch (e: unknown) {
    if (!existing) await deps.engine.removeVolume(name).catch(() => undefined);
    throw e;
  }
  progress.done();
  return { ...check, replaced: existing !== undefined };
}
