/**
 * `kiln volumes prune`: removes kiln-labelled volumes (kiln.managed=true) that no container
 * — running or stopped — mounts. Volumes kiln did not create are never touched.
 */
import { KilnError } from "../../core/errors.js";
import type { Engine } from "../engine/types.js";
import { MANAGED_LABEL } from "./labels.js";
import { volumesInUse } from "./volume-states.js";

export interface PruneResult {
  removed: string[];
  /** in use: name → containers */
  kept: { name: string; usedBy: string[] }[];
  dryRun: boolean;
}

export async function pruneVolumes(
  engine: Engine,
  options: { dryRun: boolean; names?: string[]; labels?: string[] },
): Promise<PruneResult> {
  const managed = await engine.listVolumes([`${MANAGED_LABEL}=true`, ...(options.labels ?? [])]);
  const inUse = await volumesInUse(engine);
  let candidates = managed.map((v) => v.name);
  if (options.names && options.names.length > 0) {
    for (const name of options.names) {
      if (candidates.includes(name)) continue;
      const exists = await engine.volumeInspect(name);
      throw new KilnError(
        "ERR_KILN_VOLUME",
        exists
          ? `volume ${name} was not created by kiln (no ${MANAGED_LABEL}=true label): not pruning it`
          : `no volume named ${name}`,
        {
          hint: exists
            ? `remove it yourself with \`docker volume rm ${name}\` if you mean it`
            : "list volumes with `kiln volumes ls`",
          exitCode: 2,
        },
      );
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
