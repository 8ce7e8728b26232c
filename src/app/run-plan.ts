/**
 * Executes the build targets of a plan: dependency levels in order, services of a level in
 * parallel up to `jobs`. One failed build does not stop the others (only its dependents).
 */
import { readFileSync } from "node:fs";
import { BUG_HINT, KilnError } from "../core/errors.js";
import type { ProjectModel } from "../core/compose/model.js";
import type { BuildRequest } from "../core/build/docker-build-args.js";
import type { BuildEvent, StepTally } from "../core/build/events.js";
import { injectRebuildArg, REBUILD_ARG } from "../core/build/rebuild-nonce.js";
import type { Plan, PlanTarget } from "../core/plan/plan.js";
import { planReason } from "../report/plan-reason.js";
import type { ServiceOutcome } from "../report/progress/reporter.js";
import { LABEL, imageRepo, imageTag } from "../core/image-ref.js";
import type { DockerClient } from "../adapters/engine/client.js";
import type { BuildPort, DevcontainerPort } from "./ports.js";
import { buildStages } from "./devcontainer-stages.js";

/** a target's result: the reporters' ServiceOutcome with the KilnError itself, and the image id */
export interface TargetResult extends ServiceOutcome<KilnError> {
  imageId?: string;
}

/** the result as the progress reporters and the summary see it (the error as its message) */
export function outcomeOf(result: TargetResult): ServiceOutcome {
  const { service, image, action, reason, durationMs, steps, error } = result;
  return { service, image, action, reason, durationMs, steps, ...(error ? { error: error.message } : {}) };
}

/** a target's result: no time taken and no steps unless `fields` says otherwise */
export function targetResult(
  target: PlanTarget,
  action: TargetResult["action"],
  fields: Partial<Omit<TargetResult, "service" | "image" | "action">> = {},
): TargetResult {
  return {
    service: target.service,
    image: target.imageRef,
    action,
    reason: planReason(target),
    durationMs: 0,
    steps: { total: 0, cached: 0 },
    ...fields,
  };
}

export interface RunPlanOptions {
  model: ProjectModel;
  client: DockerClient;
  /** runs one build with `client` (the build port) */
  build: BuildPort["build"];
  /** the Dev Containers CLI, for a devcontainer service's Features and UID stages */
  devcontainer: DevcontainerPort;
  jobs: number;
  signal?: AbortSignal;
  /** extra labels for every image (KILN_LABELS), e.g. a test run id */
  extraLabels: Record<string, string>;
  /** per-service rebuild nonce: present → the Dockerfile gets `ARG KILN_REBUILD` */
  nonces: Record<string, string>;
  /** really empty the layer cache and cache mounts (`--purge-caches`) */
  purgeCaches: boolean;
  pull: boolean;
  /** per-service extra `--cache-from` sources (the registry's most recent baked image) */
  cacheFrom?: Record<string, string[]>;
  /** embed BuildKit inline cache metadata, so a pushed image can serve as --cache-from */
  inlineCache?: boolean;
  /** fetches a "pull" target's image; when it throws, the target is built instead */
  pullTarget?: (target: PlanTarget) => Promise<string>;
  onEvent?: (service: string, event: BuildEvent) => void;
  onStart?: (service: string) => void;
  onFinish?: (result: TargetResult) => void;
  /** the environment (finds the Dev Containers CLI for a devcontainer's Features) */
  env?: NodeJS.ProcessEnv;
}

export function requestFor(target: PlanTarget, options: RunPlanOptions): BuildRequest {
  const svc = options.model.services.find((s) => s.name === target.service);
  const build = svc?.build;
  if (!svc || !build)
    throw new KilnError("ERR_KILN_INTERNAL", `service ${target.service} has no build spec`, {
      hint: BUG_HINT,
    });
  const nonce = options.nonces[target.service];
  const args = { ...build.args };
  let dockerfileInline = build.dockerfileInline;
  if (nonce !== undefined) {
    let text = dockerfileInline;
    if (text === undefined) {
      try {
        text = readFileSync(build.dockerfile ?? "", "utf8");
      } catch (error: unknown) {
        throw new KilnError(
          "ERR_KILN_DOCKERFILE_MISSING",
          `cannot read ${build.dockerfile ?? "(no Dockerfile)"}`,
          {
            cause: error,
            hint: "check build.dockerfile in the compose file",
          },
        );
      }
    }
    dockerfileInline = injectRebuildArg(text);
    args[REBUILD_ARG] = nonce;
  }
  const repo = imageRepo(target.imageName);
  const tags = [...new Set([`${repo}:${imageTag(target.imageName)}`, target.imageRef, ...build.tags])];
  return {
    context: build.context,
    ...(dockerfileInline === undefined ? { dockerfile: build.dockerfile ?? "" } : { dockerfileInline }),
    tags,
    labels: {
      ...build.labels,
      ...options.extraLabels,
      [LABEL.fingerprint]: target.fingerprint,
      [LABEL.project]: options.model.name,
      [LABEL.service]: target.service,
    },
    args,
    ...(build.target ? { target: build.target } : {}),
    platforms: build.platforms.length > 0 ? build.platforms : svc.platform ? [svc.platform] : [],
    noCache: options.purgeCaches || build.noCache,
    pull: options.pull || build.pull,
    cacheFrom: [...new Set([...build.cacheFrom, ...(options.cacheFrom?.[target.service] ?? [])])],
    ...(options.inlineCache ? { inlineCache: true } : {}),
    ...(build.network ? { network: build.network } : {}),
    extraHosts: build.extraHosts,
    ...(build.shmSize === undefined ? {} : { shmSize: build.shmSize }),
    secrets: build.secrets,
    ssh: build.ssh,
    additionalContexts: build.additionalContexts,
  };
}

async function pullOrBuild(target: PlanTarget, options: RunPlanOptions): Promise<TargetResult> {
  if (target.action !== "pull" || !options.pullTarget) return runTarget(target, options);
  const started = Date.now();
  options.onStart?.(target.service);
  try {
    const imageId = await options.pullTarget(target);
    return targetResult(target, "pulled", { durationMs: Date.now() - started, imageId });
  } catch (error: unknown) {
    if (error instanceof KilnError && error.code === "ERR_KILN_INTERRUPTED") throw error;
    const why = error instanceof Error ? error.message.split("\n")[0] : String(error);
    return runTarget(
      { ...target, action: "build", cause: { code: "pull-failed", error: why } },
      options,
      true,
    );
  }
}

async function runTarget(
  target: PlanTarget,
  options: RunPlanOptions,
  alreadyStarted = false,
): Promise<TargetResult> {
  const started = Date.now();
  if (!alreadyStarted) options.onStart?.(target.service);
  try {
    const build = (t: PlanTarget) =>
      options.build(options.client, requestFor(t, options), {
        ...(options.signal ? { signal: options.signal } : {}),
        onEvent: (ev) => options.onEvent?.(target.service, ev),
      });
    if (target.stages) {
      // a devcontainer service: its build, then the Features and UID stages on top
      const outcome = await buildStages(target, {
        model: options.model,
        client: options.client,
        env: options.env ?? process.env,
        extraLabels: options.extraLabels,
        ...(options.signal ? { signal: options.signal } : {}),
        buildService: build,
        build: options.build,
        devcontainer: options.devcontainer,
      });
      return targetResult(target, "built", {
        durationMs: Date.now() - started,
        steps: outcome ? tallySteps(outcome.steps) : { total: 0, cached: 0 },
      });
    }
    const outcome = await build(target);
    return targetResult(target, "built", {
      durationMs: Date.now() - started,
      steps: tallySteps(outcome.steps),
      imageId: outcome.imageId,
    });
  } catch (error: unknown) {
    if (error instanceof KilnError && error.code === "ERR_KILN_INTERRUPTED") throw error;
    const e =
      error instanceof KilnError
        ? error
        : new KilnError("ERR_KILN_BUILD_FAILED", String(error), {
            hint: "rerun with --debug for the full error",
            cause: error,
          });
    return targetResult(target, "failed", { reason: e.message, durationMs: Date.now() - started, error: e });
  }
}

function tallySteps(t: StepTally): { total: number; cached: number } {
  return { total: t.total, cached: t.cached };
}

async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const workers = Array.from({ length: Math.max(1, Math.min(limit, queue.length)) }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  });
  await Promise.all(workers);
}

export async function runPlan(plan: Plan, options: RunPlanOptions): Promise<TargetResult[]> {
  const byName = new Map(plan.targets.map((t) => [t.service, t]));
  const results = new Map<string, TargetResult>();
  for (const level of plan.levels) {
    const todo: PlanTarget[] = [];
    for (const name of level) {
      const t = byName.get(name);
      if (!t) continue;
      if (t.action !== "build" && t.action !== "pull") {
        results.set(name, targetResult(t, "skipped"));
        continue;
      }
      const failedDep = t.dependsOn.find((d) => results.get(d)?.action === "failed");
      if (failedDep) {
        const r = targetResult(t, "failed", {
          reason: `not built: ${failedDep}, which it is built FROM, failed`,
          error: new KilnError("ERR_KILN_BUILD_FAILED", `${name} not built: dependency ${failedDep} failed`, {
            hint: "fix the dependency's build first (its error is above)",
          }),
        });
        results.set(name, r);
        options.onFinish?.(r);
        continue;
      }
      todo.push(t);
    }
    await pool(todo, options.jobs, async (t) => {
      const r = await pullOrBuild(t, options);
      results.set(t.service, r);
      options.onFinish?.(r);
    });
  }
  return plan.targets.map((t) => results.get(t.service)).filter((r): r is TargetResult => r !== undefined);
}
