/**
 * Planning a bake (also push, pull and bundle export): open the project, fingerprint its services,
 * list kiln's images, ask the registry, and make the plan — everything before the first build,
 * no change made.
 */
import type { FingerprintManifest } from "../core/fingerprint/index.js";
import { inputChanges, type InputChange } from "../core/fingerprint/index.js";
import { buildableServices, makePlan, type Plan, type PlanMode } from "../core/plan/plan.js";
import { changeCause } from "../core/plan/cause.js";
import { contentRef, isKilnImage, LABEL } from "../core/image-ref.js";
import { lookupNotes } from "../core/registry/lookup-result.js";
import type { Engine, ImageInfo } from "../adapters/engine/engine-types.js";
import type { HistoryStore } from "../adapters/history/history-store.js";
import type { ProjectFiles } from "../adapters/project-files.js";
import { openRegistry, type ProjectRegistry } from "./bake-steps.js";
import { fingerprintProject } from "./fingerprint-project.js";
import { declaredInputsKey, requestsSent } from "../core/fingerprint/compute.js";
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
  /**
   * leave what changed since the last build out of the plan's build causes until
   * `PlannedProject.explain()`: a bake calls it once its builds are started, so that comparing
   * manifests file by file (≈ 10 ms on the bench's 6,000 files) runs while the engine builds
   * rather than before (#14). No decision depends on it: only the causes' words and details.
   */
  deferChanges?: boolean;
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
  /**
   * with `deferChanges`: fills in what changed in the causes of the targets it builds (until
   * then `no-image`); idempotent, and a no-op otherwise
   */
  explain: () => void;
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
  // The images the last bake left are asked for first, by ref: their answers arrive while the
  // contexts are walked, and the first one also tells the engine's identity, which the
  // fingerprint needs (the context dialect). When every service's fingerprint is one of those
  // and its image is there — a bake with nothing to do — that is all; otherwise
  // every kiln image is listed by label (an image of the same content may carry another
  // project's name). The list costs the engine a look at each of its images (≈ 12 ms of
  // dockerd's CPU with 129 images), the inspects one lookup each.
  const expected = expectedImages(project, history, ports);
  // A service whose args, target, platforms or labels are not its last build's fingerprints
  // otherwise, whatever its files: the list is asked for now, and answered during the walk.
  const early = declaredInputsChanged(project, history) ? imagesByFingerprint(engine) : undefined;
  early?.catch(() => undefined);
  const manifests = await fingerprintProject(project, ports, { env: options.env, warn: log });
  const unchanged = await imagesIfUnchanged(expected, manifests);
  // Something fingerprints otherwise: the list is asked for now, and what changed is worked out
  // while the engine answers (reading a last build's manifest and comparing it file by file is
  // about as long as the list's round trip, 10–20 ms each on the bench's project).
  let listed: Map<string, ImageInfo> | undefined;
  const listing = unchanged ? undefined : (early ?? imagesByFingerprint(engine));
  if (listing) {
    listing.then((m) => (listed = m)).catch(() => undefined);
    await requestsSent();
  }
  // what changed since the last build: the plan names it for a service it builds, so a service
  // whose image exists (back on a branch built before) is not compared file by file — when the
  // list has answered before its turn
  const changes = new Map<string, InputChange[]>();
  const recorded = history.services();
  const changesOf = (service: string, manifest: FingerprintManifest): InputChange[] | undefined => {
    const last = recorded[service]?.lastFingerprint;
    if (!last || last === manifest.hash) return undefined;
    const previous = history.manifest<FingerprintManifest>(last);
    return previous ? inputChanges(previous, manifest) : undefined;
  };
  if (!options.deferChanges) {
    for (const [service, manifest] of manifests) {
      if (unchanged?.has(manifest.hash) || listed?.has(manifest.hash)) continue;
      const found = changesOf(service, manifest);
      if (!found) continue;
      changes.set(service, found);
      // a turn of the event loop between services: the list's answer is taken when it is in
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  const images = unchanged ?? (await listing!);
  const fresh = new Set(images.keys());
  for (const [service, manifest] of manifests) if (fresh.has(manifest.hash)) changes.delete(service);
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
  let explained = !options.deferChanges;
  const explain = (): void => {
    if (explained) return;
    explained = true;
    for (const t of plan.targets) {
      // the causes makePlan took from `changes`, which were left empty
      if (t.action !== "build" || t.cause.code !== "no-image") continue;
      const manifest = manifests.get(t.service);
      const found = manifest ? changesOf(t.service, manifest) : undefined;
      if (found)
        t.cause = { ...changeCause(found), ...(t.cause.neededBy ? { neededBy: t.cause.neededBy } : {}) };
    }
  };
  return { project, engine, images, manifests, plan, history, explain, ...(registry ? { registry } : {}) };
}

/** some service's declared inputs differ from those of the build it was last baked from */
function declaredInputsChanged(project: OpenedProject, history: HistoryStore): boolean {
  const recorded = history.services();
  return buildableServices(project.model).some((svc) => {
    const last = recorded[svc.name]?.lastInputs;
    return (
      last !== undefined &&
      last !== declaredInputsKey({ build: svc.build!, ...(svc.platform ? { platform: svc.platform } : {}) })
    );
  });
}

type ExpectedImages = Map<string, Promise<ImageInfo | undefined>[]>;

/**
 * each buildable service's images as the last bake left them — the ref it is pinned to (in the
 * file or kiln's override file) and its last build's content ref — inspected (not awaited here)
 */
function expectedImages(
  project: OpenedProject,
  history: HistoryStore,
  ports: Pick<Ports, "engine" | "state">,
): ExpectedImages {
  const pinned = new Map<string, string>();
  for (const records of Object.values(project.pins.files))
    for (const [service, record] of Object.entries(records)) pinned.set(service, record.imageRef);
  for (const [service, ref] of ports.state.readOverride(project.stateDir)) pinned.set(service, ref);
  const out: ExpectedImages = new Map();
  for (const svc of buildableServices(project.model)) {
    const last = history.service(svc.name).lastFingerprint;
    const refs = new Set<string>();
    const pin = pinned.get(svc.name);
    if (pin) refs.add(pin);
    if (last) refs.add(contentRef(svc.imageName, last));
    const infos = [...refs].map((ref) => {
      const info = ports.engine.imageInspect(ref);
      info.catch(() => undefined);
      return info;
    });
    out.set(svc.name, infos);
  }
  return out;
}

/**
 * The plan's images by fingerprint when every service's fingerprint is one of its expected
 * images' and that image is kiln's for it; undefined otherwise (then the images are listed)
 */
async function imagesIfUnchanged(
  expected: ExpectedImages,
  manifests: Map<string, FingerprintManifest>,
): Promise<Map<string, ImageInfo> | undefined> {
  const out = new Map<string, ImageInfo>();
  for (const [service, manifest] of manifests) {
    let found: ImageInfo | undefined;
    for (const pending of expected.get(service) ?? []) {
      const info = await pending.catch(() => undefined);
      if (info && info.labels[LABEL.fingerprint] === manifest.hash && isKilnImage(info, manifest.hash)) {
        found = info;
        break;
      }
    }
    if (!found) return undefined;
    out.set(manifest.hash, found);
  }
  return out;
}
