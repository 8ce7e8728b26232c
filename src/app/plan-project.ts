/**
 * Planning a bake (also push, pull and bundle export): open the project, fingerprint its services,
 * list kiln's images, ask the registry, and make the plan — everything before the first build,
 * no change made.
 */
import type { FingerprintManifest } from "../core/fingerprint/index.js";
import { inputChanges, type InputChange } from "../core/fingerprint/index.js";
import { buildableServices, makePlan, type Plan, type PlanMode } from "../core/plan/plan.js";
import { contentRef, isKilnImage, LABEL } from "../core/image-ref.js";
import { lookupNotes } from "../core/registry/lookup-result.js";
import type { Engine, ImageInfo } from "../adapters/engine/engine-types.js";
import type { HistoryStore } from "../adapters/history/history-store.js";
import type { ProjectFiles } from "../adapters/project-files.js";
import { openRegistry, type ProjectRegistry } from "./bake-steps.js";
import { fingerprintProject } from "./fingerprint-project.js";
import { openProject, type LocatedProject, type OpenedProject } from "./open-project.js";
import type { Ports } from "./ports.js";
import { imagesByFingerprint } from "./project-images.js";
import type { ProjectRequest } from "./request.js";

/** what a plan is made for: the project, the mode, the services and the flags that change it */
export interface PlanRequest {
  globals: ProjectRequest;
  env: NodeJS.ProcessEnv;
  mode: PlanMode;
  services: string[];
  noCache: boolean;
  /** --all: also the services a devcontainer does not start */
  all?: boolean;
  /** --registry HOST[:PORT]/PREFIX (else KILN_REGISTRY, else x-kiln.registry) */
  registry?: string;
  /** the run's files when the caller read the project already (`up`); else read here, once */
  files?: ProjectFiles;
}

export interface PlannedProject {
  /** kiln's images for the plan's fingerprints when the plan was made (at least those), by fingerprint */
  images: Map<string, ImageInfo>;
  project: OpenedProject;
  engine: Engine;
  manifests: Map<string, FingerprintManifest>;
  plan: Plan;
  history: HistoryStore;
  /** set when a registry is configured */
  registry?: ProjectRegistry;
}

/** what planning needs from the outside world */
export type PlanPorts = Pick<
  Ports,
  "engine" | "builds" | "state" | "project" | "registry" | "log" | "fingerprints" | "devcontainer"
>;

/** open + fingerprint + plan: everything up to the first build, no change made */
export async function planProject(
  options: PlanRequest & {
    /** plan without asking any registry (bundles) */
    noRegistry?: boolean;
    /** located before the lock: its files are checked with stats, not read again */
    located?: LocatedProject;
  },
  ports: PlanPorts,
): Promise<PlannedProject> {
  const log = ports.log;
  const project = await openProject(options.globals, options.env, ports, options.located ?? options.files);
  const engine = ports.engine;
  const history = ports.state.history(project.stateDir);
  // The images the last builds made are asked for first, by ref: their answers arrive while the
  // contexts are walked, and the first one also tells the engine's identity, which the
  // fingerprint needs (the context dialect). When every service's fingerprint is the one it was
  // last built with and its image is there — a bake with nothing to do — that is all; otherwise
  // every kiln image is listed by label (an image of the same content may carry another
  // project's name). The list costs the engine a look at each of its images (≈ 12 ms of
  // dockerd's CPU with 129 images), the inspects one lookup each.
  const expected = expectedImages(project, history, engine);
  const manifests = await fingerprintProject(project, ports, { env: options.env, warn: log });
  const images = (await imagesIfUnchanged(expected, manifests)) ?? (await imagesByFingerprint(engine));
  const fresh = new Set(images.keys());
  // what changed since the last build: the plan names it for a service it builds, so a service
  // whose image exists (back on a branch built before) is not compared file by file
  const changes = new Map<string, InputChange[]>();
  for (const [service, manifest] of manifests) {
    const last = history.service(service).lastFingerprint;
    if (!last || last === manifest.hash || fresh.has(manifest.hash)) continue;
    const previous = history.manifest<FingerprintManifest>(last);
    if (previous) changes.set(service, inputChanges(previous, manifest));
  }
  const registry = options.noRegistry
    ? undefined
    : await openRegistry(ports.registry, options, project.model.extensions);
  let registryFingerprints: Set<string> | undefined;
  if (registry && options.mode !== "rebuild" && !options.noCache) {
    const wanted = [...manifests]
      .filter(([, m]) => !fresh.has(m.hash))
      .map(([service, m]) => ({ service, fingerprint: m.hash }));
    registry.lookups = await registry.port.lookupAll(registry.client, wanted);
    for (const note of lookupNotes(registry.lookups)) log(note);
    registryFingerprints = new Set(
      wanted.filter((w) => registry.lookups.get(w.service)?.state === "found").map((w) => w.fingerprint),
    );
  }
  const plan = makePlan({
    model: project.model,
    mode: options.mode,
    selected: options.services,
    manifests,
    freshFingerprints: fresh,
    changes,
    noCache: options.noCache,
    ...(options.all ? { all: true } : {}),
    ...(registry && registryFingerprints
      ? { registry: { name: registry.client.name, fingerprints: registryFingerprints } }
      : {}),
  });
  return { project, engine, images, manifests, plan, history, ...(registry ? { registry } : {}) };
}

/** each buildable service's last-built image, inspected by its content ref (not awaited here) */
function expectedImages(
  project: OpenedProject,
  history: HistoryStore,
  engine: Engine,
): Map<string, { fingerprint: string; info: Promise<ImageInfo | undefined> }> {
  const out = new Map<string, { fingerprint: string; info: Promise<ImageInfo | undefined> }>();
  for (const svc of buildableServices(project.model)) {
    const fingerprint = history.service(svc.name).lastFingerprint;
    if (!fingerprint) continue;
    const info = engine.imageInspect(contentRef(svc.imageName, fingerprint));
    info.catch(() => undefined);
    out.set(svc.name, { fingerprint, info });
  }
  return out;
}

/**
 * The plan's images by fingerprint when every service fingerprints as it was last built and that
 * image is kiln's for it; undefined otherwise (then the images are listed)
 */
async function imagesIfUnchanged(
  expected: Map<string, { fingerprint: string; info: Promise<ImageInfo | undefined> }>,
  manifests: Map<string, FingerprintManifest>,
): Promise<Map<string, ImageInfo> | undefined> {
  const out = new Map<string, ImageInfo>();
  for (const [service, manifest] of manifests) {
    const hit = expected.get(service);
    if (!hit || hit.fingerprint !== manifest.hash) return undefined;
    const info = await hit.info.catch(() => undefined);
    if (!info || info.labels[LABEL.fingerprint] !== manifest.hash || !isKilnImage(info, manifest.hash))
      return undefined;
    out.set(manifest.hash, info);
  }
  return out;
}
