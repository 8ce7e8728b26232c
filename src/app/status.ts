/**
 * `kiln status`: per buildable service, whether its pin (or its last build) matches what the
 * sources say now — baked | stale | unbaked | missing-image — and why; plus the services whose
 * compose file kiln pinned in another folder (pinned-elsewhere).
 */
import path from "node:path";
import type { FingerprintManifest } from "../core/fingerprint/index.js";
import { explainChange } from "../report/change-text.js";
import { buildableServices } from "../core/plan/plan.js";
import { contentRef } from "../core/plan/image-ref.js";
import type { ProjectRequest } from "./request.js";
import { getEngine } from "../adapters/engine/index.js";
import { HistoryStore } from "../adapters/history/history-store.js";
import { fingerprintProject } from "./fingerprint-project.js";
import { openProject, type OpenedProject } from "./open-project.js";
import type { ProjectFiles } from "../adapters/project-files.js";
import { kilnImages } from "./project-images.js";
import { overridePath, readOverridePins } from "./override-pins.js";
import { generatedConfigProblem } from "../adapters/bake/devcontainer-config.js";
import type { Engine } from "../adapters/engine/types.js";
import { examineForeignPins, foreignFix } from "./foreign-pins.js";

/** the reason prefix of an override pin a devcontainer would not use (doctor warns on it) */
export const NOT_FOLLOWED = "pinned in kiln's override file, which the devcontainer does not follow:";

/** the reason prefix of a pin the merged model does not carry whole (doctor warns on it, #12.1) */
export const PARTLY_PINNED = "partly pinned:";

/** in a pinned-elsewhere reason: compose cannot start the service here (doctor fails on it) */
export const IMAGE_NOT_HERE = "that image is not on this engine, so compose cannot start it";

export type ServiceState = "baked" | "stale" | "unbaked" | "missing-image" | "pinned-elsewhere";

export interface ServiceStatus {
  name: string;
  state: ServiceState;
  /** the pinned image, else the image a bake would pin */
  image: string;
  fingerprint: string;
  reason: string;
  /** pinned-elsewhere: the command that undoes the pin, when kiln found where from */
  fix?: string;
}

export interface ProjectStatus {
  project: string;
  services: ServiceStatus[];
  opened: OpenedProject;
  manifests: Map<string, FingerprintManifest>;
}

/** `files`: the run's files when the caller read the project already (doctor) */
export async function projectStatus(
  globals: ProjectRequest,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
  files?: ProjectFiles,
): Promise<ProjectStatus> {
  const project = await openProject(globals, env, log, files);
  const engine = getEngine({ env, ...(globals.context ? { context: globals.context } : {}) });
  const [manifests, images] = await Promise.all([
    fingerprintProject(project, engine, { env, ...(globals.context ? { context: globals.context } : {}) }),
    kilnImages(engine),
  ]);
  const history = new HistoryStore(project.stateDir);
  const pinnedRefs = new Map<string, string>();
  for (const records of Object.values(project.pins.files))
    for (const r of Object.values(records)) pinnedRefs.set(r.service, r.imageRef);
  const overridePins = readOverridePins(project.stateDir);
  for (const [service, ref] of overridePins) pinnedRefs.set(service, ref);
  // a devcontainer follows the override file only through kiln's devcontainer.json copy
  const dc = project.model.devcontainer;
  const notFollowed =
    dc && overridePins.size > 0
      ? generatedConfigProblem(
          dc,
          overridePath(project.stateDir),
          !!dc.service && overridePins.has(dc.service),
          project.files.read(dc.configPath),
        )
      : undefined;

  const services: ServiceStatus[] = [];
  for (const svc of buildableServices(project.model)) {
    const manifest = manifests.get(svc.name);
    if (!manifest) continue;
    const current = contentRef(svc.imageName, manifest.hash);
    const pinned = pinnedRefs.get(svc.name);
    const fresh = images.has(manifest.hash);
    const changed = (): string => {
      const last = history.service(svc.name).lastFingerprint;
      const prev = last && last !== manifest.hash ? history.manifest<FingerprintManifest>(last) : undefined;
      const why = prev ? explainChange(prev, manifest) : [];
      return why.length > 0 ? why.join("; ") : "sources changed since the pinned build";
    };
    // status must never say baked while compose itself (the files on disk, merged) still builds it
    const stillBuilds = inplacePinned(project, svc.name) ? buildingFiles(project, svc.name) : [];
    if (stillBuilds.length > 0) {
      services.push({
        name: svc.name,
        state: "unbaked",
        image: pinned ?? current,
        fingerprint: manifest.hash,
        reason: `${PARTLY_PINNED} build: is back in ${stillBuilds.join(", ")}, so compose builds it instead of using the pinned image (run \`kiln bake ${svc.name}\` to pin it whole, or \`kiln restore ${svc.name}\`)`,
      });
    } else if (notFollowed && overridePins.has(svc.name) && !inplacePinned(project, svc.name)) {
      services.push({
        name: svc.name,
        state: "unbaked",
        image: pinned ?? current,
        fingerprint: manifest.hash,
        reason: `${NOT_FOLLOWED} ${notFollowed}`,
      });
    } else if (pinned === undefined) {
      services.push({
        name: svc.name,
        state: "unbaked",
        image: current,
        fingerprint: manifest.hash,
        reason: fresh
          ? "built for the current sources, not pinned (run `kiln bake`)"
          : "no image for the current sources",
      });
    } else if (pinned !== current) {
      services.push({
        name: svc.name,
        state: "stale",
        image: pinned,
        fingerprint: manifest.hash,
        reason: changed(),
      });
    } else if (!fresh || !images.get(manifest.hash)?.some((i) => i.repoTags.includes(pinned))) {
      services.push({
        name: svc.name,
        state: "missing-image",
        image: pinned,
        fingerprint: manifest.hash,
        reason: `pinned image ${pinned} is not on the engine (run \`kiln rebuild ${svc.name}\` or \`kiln restore\`)`,
      });
    } else {
      services.push({
        name: svc.name,
        state: "baked",
        image: pinned,
        fingerprint: manifest.hash,
        reason: "pinned image matches the sources",
      });
    }
  }
  services.push(...(await pinnedElsewhere(project, engine, env)));
  return { project: project.model.name, services, opened: project, manifests };
}

/** services pinned by kiln in another folder (a copy, the old name, a teammate's commit, #12.3) */
async function pinnedElsewhere(
  project: OpenedProject,
  engine: Engine,
  env: NodeJS.ProcessEnv,
): Promise<ServiceStatus[]> {
  const out: ServiceStatus[] = [];
  for (const f of examineForeignPins(project, env)) {
    const fix = foreignFix(f);
    const where = path.relative(project.model.projectDir, f.file) || f.file;
    for (const p of f.pins) {
      const present = (await engine.imageInspect(p.imageRef)) !== undefined;
      const advice = fix
        ? `run \`${fix.command}\` (${fix.why})`
        : `put its build: back (git checkout -- ${where}, or copy the file from the folder kiln baked it in)`;
      out.push({
        name: p.service,
        state: "pinned-elsewhere",
        image: p.imageRef,
        fingerprint: "",
        reason: `${where}:${p.line} pins it to a kiln image, but this folder has no record of the pin (made in another folder, or kiln's state was removed); ${present ? "that image is on this engine" : IMAGE_NOT_HERE}; ${advice}`,
        ...(fix ? { fix: fix.command } : {}),
      });
    }
  }
  return out;
}

/** the files that give the service a build: in the model compose reads (pins included) */
function buildingFiles(project: OpenedProject, service: string): string[] {
  const svc = project.current.allServices.find((s) => s.name === service);
  if (!svc?.build) return [];
  const locs = svc.source.builds ?? (svc.source.build ? [svc.source.build] : []);
  return locs.length > 0 ? locs.map((l) => l.file) : ["the merged compose model"];
}

function inplacePinned(project: OpenedProject, service: string): boolean {
  return Object.values(project.pins.files).some((records) =>
    Object.values(records).some((r) => r.service === service),
  );
}
