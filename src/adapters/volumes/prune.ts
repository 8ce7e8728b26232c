/**
 * `kiln volumes prune`: removes the cache volumes kiln created (kiln.managed=true) that no
 * container — running or stopped — mounts. Only caches: by default the ones the current
 * project(s) mount and kiln classifies as caches; with `allProjects`, any volume kiln labelled
 * with a cache purpose on this engine. A volume kiln did not create, or one it does not know as
 * a cache (a database's data, even one an older kiln labelled), is never touched (#12.6).
 */
import { KilnError } from "../../core/errors.js";
import type { Engine, VolumeInfo } from "../engine/engine-types.js";
import { MANAGED_LABEL, PURPOSE_LABEL } from "../../core/volumes/labels.js";
import { volumesInUse } from "./volume-states.js";

export interface PruneResult {
  removed: string[];
  /** in use: name → containers */
  kept: { name: string; usedBy: string[] }[];
  dryRun: boolean;
}

export interface PruneOptions {
  dryRun: boolean;
  names?: string[];
  labels?: string[];
  /** the engine names of the current project(s)' cache volumes; absent: every project's */
  caches?: Set<string>;
}

/** the purpose kiln's own helper containers carry: not a cache */
const HELPER_PURPOSE = "volume-helper";

function isCandidate(volume: VolumeInfo, caches: Set<string> | undefined): boolean {
  if (caches) return caches.has(volume.name);
  const purpose = volume.labels[PURPOSE_LABEL];
  return purpose !== undefined && purpose !== "" && purpose !== HELPER_PURPOSE;
}

async function refuse(engine: Engine, name: string, caches: Set<string> | undefined): Promise<KilnError> {
  const exists = await engine.volumeInspect(name);
  if (!exists)
    return new KilnError("ERR_KILN_VOLUME", `no volume named ${name}`, {
      hint: "list volumes with `kiln volumes ls`",
      exitCode: 2,
    });
  if (exists.labels[MANAGED_LABEL] !== "true")
    return new KilnError(
      "ERR_KILN_VOLUME",
      `volume ${name} was not created by kiln (no ${MANAGED_LABEL}=true label): not pruning it`,
      { hint: `remove it yourself with \`docker volume rm ${name}\` if you mean it`, exitCode: 2 },
    );
  if (caches && exists.labels[PURPOSE_LABEL])
    return new KilnError(
      "ERR_KILN_VOLUME",
      `volume ${name} is not a cache volume of this project: not pruning it`,
      {
        hint: "pass --all-projects to prune kiln's cache volumes of every project (or --project-dir DIR for its project)",
        exitCode: 2,
      },
    );
  return new KilnError(
    "ERR_KILN_VOLUME",
    `volume ${name} is not a volume kiln knows as a cache (it may hold a service's data): not pruning it`,
    {
      hint: `remove it yourself with \`docker volume rm ${name}\` if you are sure it holds nothing you need`,
      exitCode: 2,
    },
  );
}

export async function pruneVolumes(engine: Engine, options: PruneOptions): Promise<PruneResult> {
  const managed = await engine.listVolumes([`${MANAGED_LABEL}=true`, ...(options.labels ?? [])]);
  const inUse = await volumesInUse(engine);
  let candidates = managed.filter((v) => isCandidate(v, options.caches)).map((v) => v.name);
  if (options.names && options.names.length > 0) {
    for (const name of options.names) {
      if (!candidates.includes(name)) throw await refuse(engine, name, options.caches);
    }
    for (const name of options.names) {
      const users = inUse.get(name);
      if (users) {
        throw new KilnError(
          "ERR_KILN_VOLUME",
          `volume ${name} is in use by ${users.join(", ")}: not pruning it`,
          {
            hint: `remove the container(s) first: docker rm ${users.join(" ")}`,
          },
        );
      }
    }
    candidates = options.names;
  }
  const result: PruneResult = { removed: [], kept: [], dryRun: options.dryRun };
  for (const name of candidates) {
    const users = inUse.get(name);
    if (users) {
      result.kept.push({ name, usedBy: users });
      continue;
    }
    if (!options.dryRun) await engine.removeVolume(name);
    result.removed.push(name);
  }
  return result;
}
