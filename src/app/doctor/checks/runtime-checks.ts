/**
 * The engine side of a project: containers still running an image older than the baked one,
 * and the named volumes the services mount.
 */
import type { CheckResult } from "../../../core/doctor/check.js";
import type { ProjectModel } from "../../../core/compose/model.js";
import type { Engine } from "../../../adapters/engine/engine-types.js";
import type { ServiceStatus } from "../../status.js";
import { detectCaches } from "../../../core/volumes/detect.js";
import { composeVolumeLabels, managedLabels } from "../../../core/volumes/labels.js";
import { runsBakedImage } from "../../derived-image.js";

export async function containerChecks(
  engine: Engine,
  model: ProjectModel,
  statuses: ServiceStatus[],
): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  const containers = await engine.listContainers({
    all: false,
    labels: [`com.docker.compose.project=${model.name}`],
  });
  for (const s of statuses) {
    if (s.state !== "baked" && s.state !== "stale") continue;
    const running = containers.filter((c) => c.labels["com.docker.compose.service"] === s.name);
    if (running.length === 0) continue;
    const pinned = await engine.imageInspect(s.image);
    const old: typeof running = [];
    for (const c of running) {
      if (!pinned || (await runsBakedImage(engine, c.imageId, pinned))) continue;
      old.push(c);
    }
    out.push(
      old.length > 0
        ? {
            id: `container.${s.name}`,
            status: "warn",
            message: `${old.map((c) => c.names[0]).join(", ")} still runs an image older than the baked ${s.image}`,
            hint: `kiln up ${s.name}   (or: docker compose up -d --force-recreate ${s.name}; a devcontainer: "Rebuild Container")`,
          }
        : { id: `container.${s.name}`, status: "ok", message: `running the baked image ${s.image}` },
    );
  }
  return out;
}

/**
 * Only volumes kiln classifies as caches get cache advice and are created by --fix (labelled as
 * kiln's, so `volumes prune` may later remove them). A database's data volume is the user's:
 * compose creates it, kiln never creates, labels or offers it for pruning (#12.6).
 */
export async function volumeChecks(
  engine: Engine,
  model: ProjectModel,
  fix: boolean,
  labels: Record<string, string>,
): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  const purposes = new Map<string, string>();
  for (const group of detectCaches({ projects: [model] }).groups)
    for (const m of group.mounts) purposes.set(m.engineName, group.purpose);
  const used = new Set(
    model.services.flatMap((s) =>
      s.volumes.filter((v) => v.type === "volume" && v.source).map((v) => v.source!),
    ),
  );
  for (const key of used) {
    const vol = model.volumes[key];
    if (!vol) continue;
    const id = `volume.${vol.engineName}`;
    const purpose = purposes.get(vol.engineName);
    if (await engine.volumeInspect(vol.engineName)) {
      out.push({ id, status: "ok", message: `volume ${vol.engineName} exists` });
      continue;
    }
    if (!purpose) {
      out.push(
        vol.external
          ? {
              id,
              status: "fail",
              message: `external volume ${vol.engineName} does not exist: compose will refuse to start`,
              hint: `create it yourself (kiln does not create data volumes): docker volume create ${vol.engineName}`,
            }
          : {
              id,
              status: "ok",
              message: `volume ${vol.engineName} does not exist yet (a data volume: compose creates it on up, kiln leaves it alone)`,
            },
      );
      continue;
    }
    if (fix) {
      await engine.createVolume(vol.engineName, {
        ...labels,
        ...managedLabels({}, purpose),
        ...(vol.external ? {} : composeVolumeLabels(model.name, vol.key)),
      });
      out.push({
        id,
        status: "ok",
        message: `created missing ${purpose} cache volume ${vol.engineName}`,
        fixable: true,
      });
    } else {
      out.push({
        id,
        status: vol.external ? "fail" : "warn",
        message: `${purpose} cache volume ${vol.engineName} does not exist${vol.external ? " (external: compose will refuse to start)" : " (compose creates it empty; the cache starts cold)"}`,
        hint: "kiln volumes ensure   (or: kiln doctor --fix)",
        fixable: true,
      });
    }
  }
  return out;
}
