/**
 * apt across steps: where the `docker-clean` hook is removed, which `apt-get update` RUNs are
 * split from their install, and which commands wipe the package cache.
 */
import type { Analysis, RunFacts } from "./analysis.js";
import { stageChain, stepsBefore, type RunStep, type Stage } from "./dockerfile-model.js";

/** the Debian/Ubuntu image hook that deletes downloaded .debs after every install */
export const DOCKER_CLEAN = "/etc/apt/apt.conf.d/docker-clean";
export const KEEP_PACKAGES_LINES = [
  `rm -f ${DOCKER_CLEAN}`,
  `echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' > /etc/apt/apt.conf.d/keep-cache`,
];

export function handlesDockerClean(step: RunStep): boolean {
  return step.scripts.some(
    (s) => s.text.includes("docker-clean") || s.text.includes("Keep-Downloaded-Packages"),
  );
}

export function aptDownloads(facts: RunFacts): boolean {
  return facts.uses.some((u) => u.tool === "apt" && u.downloads);
}

const HARMLESS = new Set(["set", "true", ":", "echo"]);

/** a RUN that only refreshes the package lists */
export function isUpdateOnly(facts: RunFacts): boolean {
  const apt = facts.uses.filter((u) => u.tool === "apt");
  if (apt.length === 0 || apt.some((u) => u.action !== "update")) return false;
  const aptCommands = new Set(apt.map((u) => u.command));
  return facts.step.commands.every((c) => HARMLESS.has(c.name) || aptCommands.has(c));
}

export interface SplitUpdate {
  update: RunFacts;
  install: RunFacts;
}

const splitCache = new WeakMap<Analysis, SplitUpdate[]>();
const deletedCache = new WeakMap<Analysis, Set<RunStep>>();

/** install RUNs that rely on an `apt-get update` run in an earlier RUN */
export function splitUpdates(a: Analysis): SplitUpdate[] {
  const cached = splitCache.get(a);
  if (cached) return cached;
  const out: SplitUpdate[] = [];
  splitCache.set(a, out);
  for (const facts of a.runs) {
    const apt = facts.uses.filter((u) => u.tool === "apt" && u.downloads);
    const firstInstall = apt.findIndex((u) => u.action !== "update");
    if (firstInstall === -1 || apt.slice(0, firstInstall).some((u) => u.action === "update")) continue;
    const before = stepsBefore(facts.step).filter((s): s is RunStep => s.kind === "run");
    const update = [...before]
      .reverse()
      .find((s) => a.factsOf(s).uses.some((u) => u.tool === "apt" && u.action === "update"));
    if (update) out.push({ update: a.factsOf(update), install: facts });
  }
  return out;
}

interface CleanPlan {
  /** the first apt RUN of the image, unless docker-clean is handled before it */
  target?: RunStep;
  order: Map<RunStep, number>;
}
const planCache = new WeakMap<Analysis, Map<Stage, CleanPlan>>();

function cleanPlan(a: Analysis, stage: Stage): CleanPlan {
  let byStage = planCache.get(a);
  if (byStage === undefined) planCache.set(a, (byStage = new Map<Stage, CleanPlan>()));
  const cached = byStage.get(stage);
  if (cached) return cached;
  let deleted = deletedCache.get(a);
  if (deleted === undefined) {
    deleted = new Set(
      splitUpdates(a)
        .filter((s) => isUpdateOnly(s.update))
        .map((s) => s.update.step),
    );
    deletedCache.set(a, deleted);
  }
  const plan: CleanPlan = { order: new Map() };
  let decided = false;
  for (const st of stageChain(stage)) {
    for (const s of st.steps) {
      if (s.kind !== "run" || s.onbuild) continue;
      plan.order.set(s, plan.order.size);
      if (decided) continue;
      if (handlesDockerClean(s)) decided = true;
      else if (!deleted.has(s) && aptDownloads(a.factsOf(s))) {
        plan.target = s;
        decided = true;
      }
    }
  }
  byStage.set(stage, plan);
  return plan;
}

/** The RUN of the image that should remove docker-clean, or undefined when already done. */
export function dockerCleanTarget(a: Analysis, step: RunStep): RunStep | undefined {
  const plan = cleanPlan(a, step.stage);
  const target = plan.target;
  if (target === undefined) return undefined;
  const at = plan.order.get(step);
  return at !== undefined && at >= (plan.order.get(target) ?? Infinity) ? target : undefined;
}

/** indexes (into step.commands) of commands that empty the apt caches */
export function aptWipes(step: RunStep): number[] {
  const out: number[] = [];
  step.commands.forEach((c, k) => {
    const first = c.args.find((a) => !a.value.startsWith("-"))?.value;
    if ((c.name === "apt-get" || c.name === "apt") && first === "clean") out.push(k);
    else if (
      c.name === "rm" &&
      c.args.some((a) => /^\/var\/(cache\/apt|lib\/apt\/lists)(\/|$)/.test(a.value))
    )
      out.push(k);
  });
  return out;
}
