/**
 * bake / build / rebuild: open the project, fingerprint, plan, build what the plan says, record
 * the history, pin. The plan is computed before anything runs and returned with the results.
 */
import { randomBytes } from "node:crypto";
import { KilnError } from "../core/errors.js";
import { manifestInputsKey } from "../core/fingerprint/compute.js";
import { isKilnImage, LABEL } from "../core/image-ref.js";
import { bakeScope } from "../core/plan/bake-scope.js";
import { outsideScopeCause } from "../core/plan/cause.js";
import type { Plan, PlanTarget } from "../core/plan/plan.js";
import type { Ports } from "./ports.js";
import type { Engine, ImageInfo } from "../adapters/engine/engine-types.js";
import { locateProject, openProject } from "./open-project.js";
import { findForeignPins } from "../core/pin/foreign-pins.js";
import { checkPinnable, pinProject, unpinProject, type PinOutcome } from "./pin-project.js";
import { extraLabels, imagesByFingerprint } from "./project-images.js";
import { refuseOverrideUnderV1 } from "./override-pins.js";
import type { ProjectModel } from "../core/compose/model.js";
import { outcomeOf, runPlan, targetResult, type TargetResult } from "./run-plan.js";
import { pushResults, registryCacheSources, type PushOutcome } from "./bake-steps.js";
import { planProject, type PlannedProject, type PlanRequest } from "./plan-project.js";

/** a bake's request: what to plan (plan-project.ts) and how to build and pin it */
export interface BakeOptions extends PlanRequest {
  signal?: AbortSignal;
  dryRun: boolean;
  jobs: number;
  pull: boolean;
  purgeCaches: boolean;
  /** inplace (default): edit the compose files; override: write kiln's override file */
  pinMode?: "inplace" | "override";
  /** push the selected services' baked images to the registry afterwards */
  push?: boolean;
  /** called once the run holds the project lock (the run history starts recording here) */
  onLocked?: (run: { projectDir: string; stateDir: string }) => void;
}

export interface BakeReport {
  plan: Plan;
  results: TargetResult[];
  pins?: PinOutcome;
  /** --mode override: the override file written */
  overrideFile?: string;
  /** --mode override on a devcontainer: kiln's devcontainer.json that lists the override file */
  devcontainerConfig?: string;
  dryRun: boolean;
  /** --push: what was pushed (or already there), and what failed */
  pushed?: PushOutcome[];
  /** for the summary table: image sizes and each service's last cold build time */
  summary?: { imageSizes: Record<string, number>; lastColdMs: Record<string, number> };
}

export async function bakeProject(options: BakeOptions, ports: Ports): Promise<BakeReport> {
  const log = ports.log;
  if (options.dryRun) {
    const planned = await planProject(options, ports);
    checkPush(options, planned);
    return { plan: planned.plan, results: [], dryRun: true };
  }
  // The lock comes before the plan: every file the plan depends on (compose files, pin
  // records, history) is read while no other kiln run can change it. Locating the project
  // here reads the compose files once and finds the state dir; under the lock planProject
  // checks with a stat per file that none changed meanwhile (else reads those again), then
  // reads the pin records and unpins.
  const located = await locateProject(options.globals, options.env, ports, options.files);
  const stateDir = located.stateDir;
  const session = ports.state.openSession(stateDir, {
    command: `kiln ${options.mode}`,
    log,
    onLocked: () => options.onLocked?.({ projectDir: located.projectDir, stateDir }),
    recordChildren: true,
  });
  try {
    const recovered = session.recovery;
    if (recovered.found) {
      log(
        `kiln: completed an interrupted change (${recovered.completed.join(", ") || "nothing left"}); planning again`,
      );
    }
    // what changed since the last build is filled in once the builds are started (explain below)
    const planned = await planProject({ ...options, located, deferChanges: true }, ports);
    checkPush(options, planned);
    const { project, plan, manifests, history, engine, images } = planned;
    const foreign = findForeignPins(project.model);
    if (foreign.length > 0) {
      log(
        `kiln: ${foreign.map((p) => p.service).join(", ")} ${foreign.length > 1 ? "are" : "is"} pinned to images kiln baked in another folder (${foreign[0].imageRef}…): kiln cannot build ${foreign.length > 1 ? "them" : "it"} until the build: is back — \`kiln status\` says how`,
      );
    }
    if (project.stateDir !== stateDir) {
      throw new KilnError("ERR_KILN_FILE_CHANGED", "the project's files changed while kiln was starting", {
        hint: "run the command again",
      });
    }
    const toBuild = plan.targets.filter((t) => t.action === "build" || t.action === "pull");
    const override = options.pinMode === "override";
    if (override) refuseOverrideUnderV1((await ports.compose.detect())?.variant ?? "v2");
    if (options.mode !== "build" && !override) {
      checkPinnable(project, ports, [...bakeScope(project.model, options.services, options.all).wanted]);
    }
    if (options.mode === "rebuild") {
      // restore first (the seed's "rebuild from scratch"), then bust the layer cache with a new nonce
      const names = toBuild.map((t) => t.service);
      unpinProject(project, ports, names);
      for (const name of names) history.updateService(name, { rebuildNonce: randomBytes(8).toString("hex") });
    }
    const nonces: Record<string, string> = {};
    for (const t of toBuild) {
      const n = history.service(t.service).rebuildNonce;
      if (n) nonces[t.service] = n;
    }
    let results: TargetResult[] = [];
    // fingerprints whose manifest is written already (while their builds ran)
    const savedManifests = new Set<string>();
    /** service → the inspect of the image it built or pulled, asked for when it finished */
    const inspected = new Map<string, Promise<ImageInfo | undefined>>();
    const registry = planned.registry;
    if (toBuild.length > 0) {
      const client = await ports.builds.client();
      if (options.purgeCaches && client.mode === "podman")
        refusePodmanPurge(project.model, toBuild, ports.bundles.cacheMounts);
      const sharing = registry
        ? {
            // a rebuild from scratch / --no-cache must not take layers from the registry either
            cacheFrom:
              options.mode === "rebuild" || options.noCache
                ? {}
                : await registryCacheSources(
                    registry,
                    toBuild.filter((t) => t.action === "build"),
                  ),
            inlineCache: true,
            pullTarget: (t: PlanTarget) =>
              registry.port.pull(t, {
                client,
                engine,
                registry: registry.client.location,
                ...(options.signal ? { signal: options.signal } : {}),
              }),
          }
        : {};
      const reporter = ports.reporter;
      reporter.start(toBuild.map((t) => t.service));
      // The manifests of what is being built are written while it builds (kiln waits on the
      // engine then): from the first progress event on, once every build has started. A build
      // that fails leaves its manifest unused — no service's last fingerprint names it.
      let writing = false;
      const writeManifests = (): void => {
        for (const t of toBuild) {
          const manifest = manifests.get(t.service);
          if (manifest && !savedManifests.has(manifest.hash)) {
            history.saveManifest(manifest.hash, manifest);
            savedManifests.add(manifest.hash);
          }
        }
      };
      try {
        const running = runPlan(plan, {
          model: project.model,
          client,
          build: ports.builds.build,
          devcontainer: ports.devcontainer,
          env: options.env,
          jobs: options.jobs,
          ...(options.signal ? { signal: options.signal } : {}),
          extraLabels: extraLabels(options.env),
          nonces,
          purgeCaches: options.purgeCaches,
          pull: options.pull,
          ...sharing,
          onStart: (s) => reporter.serviceStarted(s),
          onEvent: (s, e) => {
            reporter.event(s, e);
            if (!writing) {
              writing = true;
              setImmediate(writeManifests);
            }
          },
          onFinish: (r) => {
            reporter.serviceFinished(outcomeOf(r));
            // inspected now, while other services may still build (see imagesAfterRun)
            if ((r.action === "built" || r.action === "pulled") && r.imageId) {
              const info = engine.imageInspect(r.imageId);
              info.catch(() => undefined);
              inspected.set(r.service, info);
            }
          },
        });
        // runPlan has started the first builds (their processes are spawned before its first
        // await); the causes' details are worked out now, before any build's result is made —
        // and the builds are waited for even if that throws
        try {
          planned.explain();
        } finally {
          results = await running;
        }
      } finally {
        reporter.close();
      }
    } else {
      results = plan.targets.map((t) => targetResult(t, "skipped"));
    }
    // a run that built or pulled nothing reuses the image list it planned with; else the images
    // are asked for now and arrive while the history is written
    const changed = results.some((r) => r.action === "built" || r.action === "pulled");
    const imagesAfter = changed
      ? imagesAfterRun(engine, plan, results, images, inspected)
      : Promise.resolve(images);
    imagesAfter.catch(() => undefined);
    // the history as it was before this run's updates below (each service is updated once)
    const recorded = history.services();
    const lastColdMs = Object.fromEntries(
      Object.entries(recorded).flatMap(([k, v]) => (v.lastColdMs ? [[k, v.lastColdMs]] : [])),
    );
    for (const r of results) {
      const manifest = manifests.get(r.service);
      if (!manifest) continue;
      if (r.action === "skipped") {
        // fresh: its image is there (back on a branch built before); the next plan compares
        // its declared inputs with this image's, not the last build's
        const fresh = plan.targets.find((t) => t.service === r.service)?.cause.code === "fresh";
        const key = manifestInputsKey(manifest);
        if (fresh && recorded[r.service]?.lastInputs !== key)
          history.updateService(r.service, { lastInputs: key });
        continue;
      }
      if (r.action !== "built" && r.action !== "pulled") continue;
      if (!savedManifests.has(manifest.hash)) history.saveManifest(manifest.hash, manifest);
      history.updateService(r.service, {
        lastFingerprint: manifest.hash,
        lastInputs: manifestInputsKey(manifest),
        lastBuiltAt: new Date().toISOString(),
        ...(r.action === "built" && r.steps.cached === 0 ? { lastColdMs: r.durationMs } : {}),
      });
    }
    const imageSizes = await ensureContentTags(engine, plan, results, await imagesAfter);
    const pushed =
      options.push && registry
        ? await pushResults(registry, engine, plan, results, {
            client: ports.builds.client,
            services: options.services,
            log,
            ...(options.signal ? { signal: options.signal } : {}),
          })
        : undefined;
    let pins: PinOutcome | undefined;
    if (options.mode !== "build") {
      const selected = bakeScope(project.model, options.services, options.all).wanted;
      const ok = results.filter((r) => r.action !== "failed" && selected.has(r.service));
      const requests = ok.map((r) => ({ service: r.service, imageRef: r.image }));
      if (override) {
        const file = await ports.state.writeOverride(project.stateDir, requests);
        const dc = project.model.devcontainer;
        const featuresBaked = !!dc?.service && ports.state.readOverride(project.stateDir).has(dc.service);
        const devcontainerConfig = dc
          ? await ports.devcontainer.writeConfig(dc, file, featuresBaked, project.files.read(dc.configPath))
          : undefined;
        return {
          ...(devcontainerConfig ? { devcontainerConfig } : {}),
          plan,
          results,
          pins: { pinned: requests.map((r) => r.service), unchanged: [], files: [file] },
          overrideFile: file,
          summary: { imageSizes, lastColdMs },
          dryRun: false,
          ...(pushed ? { pushed } : {}),
        };
      }
      // rebuild unpinned first: open again from the texts it wrote (nothing read from disk)
      const reopened =
        options.mode === "rebuild"
          ? await openProject(options.globals, options.env, ports, project.files)
          : project;
      pins = pinProject(reopened, ports, requests);
    }
    return {
      plan,
      results,
      ...(pins ? { pins } : {}),
      dryRun: false,
      ...(pushed ? { pushed } : {}),
      summary: { imageSizes, lastColdMs },
    };
  } finally {
    session.release();
  }
}

/**
 * `podman build --no-cache` keeps Buildah's cache mounts (measured: a counter kept in one went
 * 14 → 15), so --purge-caches cannot do what it says there: refused, naming the directories.
 */
function refusePodmanPurge(
  model: ProjectModel,
  targets: PlanTarget[],
  cacheMountsOf: Ports["bundles"]["cacheMounts"],
): void {
  const ids = cacheMountsOf(
    model,
    targets.map((t) => ({ service: t.service, imageRef: t.imageRef })),
  ).map((c) => c.id);
  const dirs = ids.map((id) => `/var/tmp/buildah-cache/${id.replace(/^\/+/, "")}`);
  throw new KilnError(
    "ERR_KILN_ENGINE_UNSUPPORTED",
    "--purge-caches cannot empty cache mounts on Podman: `podman build --no-cache` keeps Buildah's cache mounts",
    {
      hint:
        dirs.length > 0
          ? `remove them on the Podman host (\`rm -rf ${dirs.join(" ")}\`), then run again without --purge-caches (add --no-cache to rebuild every layer)`
          : "run again without --purge-caches (--no-cache rebuilds every layer); Buildah keeps cache mounts in /var/tmp/buildah-cache/<id>",
    },
  );
}

function checkPush(options: BakeOptions, planned: PlannedProject): void {
  if (options.push && !planned.registry) {
    throw new KilnError("ERR_KILN_USAGE", "--push needs a registry", {
      hint: "add --registry HOST[:PORT]/PREFIX, set KILN_REGISTRY, or set x-kiln.registry in the compose file",
    });
  }
}

/** a fresh image may carry only another project's content tag of the same fingerprint (same sources): tag it with ours */
/**
 * The images after a run that built or pulled: when every service did (or failed), from the
 * inspects made as each finished — after the last build only its own inspect is waited for, not a
 * list of every kiln image on the engine (19 ms of dockerd's time on the bench's engine, after all
 * the builds). A run with skipped services, or an inspect that does not show the fingerprint it
 * was built for, lists them all as before (the list also sees a skipped image that went away).
 */
async function imagesAfterRun(
  engine: Engine,
  plan: Plan,
  results: TargetResult[],
  planned: Map<string, ImageInfo>,
  inspected: Map<string, Promise<ImageInfo | undefined>>,
): Promise<Map<string, ImageInfo>> {
  const fresh = results.filter((r) => r.action !== "failed");
  if (fresh.some((r) => !inspected.has(r.service))) return imagesByFingerprint(engine);
  const out = new Map(planned);
  for (const r of fresh) {
    const t = plan.targets.find((x) => x.service === r.service);
    const info = await inspected.get(r.service)!.catch(() => undefined);
    if (!t || !info || info.labels[LABEL.fingerprint] !== t.fingerprint || !isKilnImage(info, t.fingerprint))
      return imagesByFingerprint(engine);
    out.set(t.fingerprint, info);
  }
  return out;
}

async function ensureContentTags(
  engine: Engine,
  plan: Plan,
  results: TargetResult[],
  images: Map<string, ImageInfo>,
): Promise<Record<string, number>> {
  const sizes: Record<string, number> = {};
  for (const t of plan.targets) {
    const img = images.get(t.fingerprint);
    if (img) sizes[t.service] = img.size;
  }
  for (const r of results) {
    if (r.action === "failed") continue;
    const t = plan.targets.find((x) => x.service === r.service);
    if (!t) continue;
    const img = images.get(t.fingerprint);
    if (!img) {
      if (r.action === "skipped" && !outsideScopeCause(t.cause)) {
        throw new KilnError(
          "ERR_KILN_IMAGE_MISSING",
          `the image of ${t.service} (${t.imageRef}) disappeared while kiln was working`,
          {
            hint: `run \`kiln bake ${t.service}\` again`,
          },
        );
      }
      continue;
    }
    if (!img.repoTags.includes(t.imageRef)) await engine.tagImage(img.id, t.imageRef);
  }
  return sizes;
}
