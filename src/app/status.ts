/**
 * `kiln status`: per buildable service, whether its pin (or its last build) matches what the
 * sources say now — baked | stale | unbaked | missing-image — and why; plus the services whose
 * compose file kiln pinned in another folder (pinned-elsewhere).
 */
import path from "node:path";
import type { FingerprintManifest } from "../core/fingerprint/index.js";
import { inputChanges } from "../core/fingerprint/index.js";
import type { StatusCause } from "../core/plan/status-cause.js";
import { statusReason } from "../report/status-reason.js";
import { buildableServices } from "../core/plan/plan.js";
import { contentRef } from "../core/image-ref.js";
import type { ProjectRequest } from "./request.js";
import type { Ports } from "./ports.js";
import { fingerprintProject } from "./fingerprint-project.js";
import { openProject, type OpenedProject } from "./open-project.js";
import type { ProjectFiles } from "../adapters/project-files.js";
import { kilnImages } from "./project-images.js";
import { overridePath } from "./override-pins.js";
import { examineForeignPins, foreignFix } from "./foreign-pins.js";

export type ServiceState = "baked" | "stale" | "unbaked" | "missing-image" | "pinned-elsewhere";

export interface ServiceStatus {
  name: string;
  state: ServiceState;
  /** the pinned image, else the image a bake would pin */
  image: string;
  fingerprint: string;
  /** why, as data: what doctor and programs switch on */
  cause: StatusCause;
  /** the cause in words (src/report/status-reason.ts) */
  reason: string;
  /** pinned-elsewhere: the command that undoes the pin, when kiln found where from */
  fix?: string;
}

function serviceStatus(s: Omit<ServiceStatus, "reason">): ServiceStatus {
  return { ...s, reason: statusReason(s) };
}

export interface ProjectStatus {
  project: string;
  services: ServiceStatus[];
  opened: OpenedProject;
  manifests: Map<string, FingerprintManifest>;
}

/** what status needs from the outside world */
export type StatusPorts = Pick<
  Ports,
  "engine" | "builds" | "state" | "project" | "log" | "fingerprints" | "devcontainer"
>;

/** `files`: the run's files when the caller read the project already (doctor) */
export async function projectStatus(
  globals: ProjectRequest,
  env: NodeJS.ProcessEnv,
  ports: StatusPorts,
  files?: ProjectFiles,
): Promise<ProjectStatus> {
  const project = await openProject(globals, env, ports, files);
  const engine = ports.engine;
  const [manifests, images] = await Promise.all([
    fingerprintProject(project, ports, { env }),
    kilnImages(engine),
  ]);
  const history = ports.state.history(project.stateDir);
  const pinnedRefs = new Map<string, string>();
  for (const records of Object.values(project.pins.files))
    for (const r of Object.values(records)) pinnedRefs.set(r.service, r.imageRef);
  const overridePins = ports.state.readOverride(project.stateDir);
  for (const [service, ref] of overridePins) pinnedRefs.set(service, ref);
  // a devcontainer follows the override file only through kiln's devcontainer.json copy
  const dc = project.model.devcontainer;
  const notFollowed =
    dc && overridePins.size > 0
      ? ports.devcontainer.configProblem(
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
    const changes = () => {
      const last = history.service(svc.name).lastFingerprint;
      const prev = last && last !== manifest.hash ? history.manifest<FingerprintManifest>(last) : undefined;
      return prev ? inputChanges(prev, manifest) : [];
    };
    const entry = (
      state: ServiceState,
      image: string,
      cause: StatusCause,
    ): Omit<ServiceStatus, "reason"> => ({ name: svc.name, state, image, fingerprint: manifest.hash, cause });
    // status must never say baked while compose itself (the files on disk, merged) still builds it
    const stillBuilds = inplacePinned(project, svc.name) ? buildingFiles(project, svc.name) : [];
    if (stillBuilds.length > 0) {
      services.push(
        serviceStatus(entry("unbaked", pinned ?? current, { code: "partly-pinned", files: stillBuilds })),
      );
    } else if (notFollowed && overridePins.has(svc.name) && !inplacePinned(project, svc.name)) {
      services.push(
        serviceStatus(
          entry("unbaked", pinned ?? current, { code: "override-not-followed", problem: notFollowed }),
        ),
      );
    } else if (pinned === undefined) {
      services.push(serviceStatus(entry("unbaked", current, { code: "not-pinned", built: fresh })));
    } else if (pinned !== current) {
      services.push(serviceStatus(entry("stale", pinned, { code: "sources-changed", changes: changes() })));
    } else if (!fresh || !images.get(manifest.hash)?.some((i) => i.repoTags.includes(pinned))) {
      services.push(serviceStatus(entry("missing-image", pinned, { code: "image-missing" })));
    } else {
      services.push(serviceStatus(entry("baked", pinned, { code: "pinned-fresh" })));
    }
  }
  services.push(...(await pinnedElsewhere(project, ports, env)));
  return { project: project.model.name, services, opened: project, manifests };
}

/** services pinned by kiln in another folder (a copy, the old name, a teammate's commit, #12.3) */
async function pinnedElsewhere(
  project: OpenedProject,
  ports: StatusPorts,
  env: NodeJS.ProcessEnv,
): Promise<ServiceStatus[]> {
  const engine = ports.engine;
  const out: ServiceStatus[] = [];
  for (const f of examineForeignPins(project, env, ports)) {
    const fix = foreignFix(f);
    const where = path.relative(project.model.projectDir, f.file) || f.file;
    for (const p of f.pins) {
      const imagePresent = (await engine.imageInspect(p.imageRef)) !== undefined;
      out.push(
        serviceStatus({
          name: p.service,
          state: "pinned-elsewhere",
          image: p.imageRef,
          fingerprint: "",
          cause: {
            code: "pinned-elsewhere",
            file: where,
            line: p.line,
            imagePresent,
            ...(fix ? { fix } : {}),
          },
          ...(fix ? { fix: fix.command } : {}),
        }),
      );
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
