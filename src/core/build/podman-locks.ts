/**
 * A Buildah 1.28 (Podman 4.3) hang, measured on this machine: a RUN releases only the lock of
 * its last cache mount, so a `sharing=locked` cache mount followed by another cache mount (of
 * any sharing) in the same RUN stays locked for the rest of the build, and a later RUN of the
 * build that locks it waits forever (RUN a-locked+b → RUN a-locked: hangs, with b locked, shared
 * or private; RUN b+a-locked → RUN a-locked: fine; a bind or tmpfs mount after it: fine).
 * kiln builds such a Dockerfile from a rewritten copy (podmanLockRewrite) and refuses it only
 * when it cannot rewrite it (see docs/engines.md).
 */
import { KilnError } from "../errors.js";
import { buildModel } from "../lint/dockerfile-model.js";
import { splitFlags } from "../lint/instruction-args.js";
import { splitInstructions } from "../lint/instructions.js";
import { cacheId, covers, type Mount } from "../lint/mounts.js";
import type { RunStep } from "../lint/model-types.js";

export interface LockHazard {
  id: string;
  /** 1-based lines of the RUN that keeps the lock and of the RUN that would wait for it */
  heldAt: number;
  waitsAt: number;
}

const isLocked = (m: Mount): boolean => m.type === "cache" && m.sharing === "locked";

/** the ids of the locked cache mounts Buildah 1.28 leaves locked after this RUN */
function leftLocked(step: RunStep): string[] {
  const caches = step.mounts.filter((m) => m.type === "cache");
  return caches
    .slice(0, -1)
    .filter(isLocked)
    .map(cacheId)
    .filter((id): id is string => id !== undefined);
}

function runSteps(dockerfile: string): RunStep[] {
  return buildModel(dockerfile)
    .stages.flatMap((s) => s.steps)
    .filter((s): s is RunStep => s.kind === "run" && !s.onbuild);
}

export function podmanLockHazard(dockerfile: string): LockHazard | undefined {
  const held = new Map<string, number>();
  for (const step of runSteps(dockerfile)) {
    for (const id of step.mounts.filter(isLocked).map(cacheId)) {
      const at = id === undefined ? undefined : held.get(id);
      if (id !== undefined && at !== undefined) return { id, heldAt: at, waitsAt: step.line };
    }
    for (const id of leftLocked(step)) if (!held.has(id)) held.set(id, step.line);
  }
  return undefined;
}

export function podmanLockRefusal(dockerfile: string, file: string): KilnError | undefined {
  const h = podmanLockHazard(dockerfile);
  if (!h) return undefined;
  return new KilnError(
    "ERR_KILN_ENGINE_UNSUPPORTED",
    `podman build (Buildah 1.28) would hang on ${file}:${h.waitsAt}: the RUN at line ${h.heldAt} has a sharing=locked cache mount before another cache mount and Buildah releases only the last one's lock, so the cache mount ${h.id} stays locked; kiln works around that with a copy whose RUNs end with their one locked cache mount, but cannot make one here (a sharing=locked not written literally in its --mount flag, or mounts whose targets nest)`,
    {
      location: `${file}:${h.waitsAt}`,
      hint: "write sharing=locked literally in each --mount flag, or put each RUN's one sharing=locked cache mount after its other cache mounts (make the others sharing=shared, the default), or build on Docker",
    },
  );
}

/**
 * What a Podman build asks of the other builds of the same kiln run: `exclusive` are cache ids
 * the copy Buildah gets mounts without the lock the user's Dockerfile asks for (no other build
 * that mounts them locked may run meanwhile); `locked` are every id the user's Dockerfile locks.
 */
export interface CacheClaim {
  exclusive: string[];
  locked: string[];
}

export function claimsConflict(a: CacheClaim, b: CacheClaim): boolean {
  const meets = (xs: string[], ys: string[]) => xs.some((x) => ys.includes(x));
  return meets(a.exclusive, b.locked) || meets(b.exclusive, a.locked);
}

export interface PodmanDockerfile {
  /** the copy to build from, when it differs from the user's Dockerfile */
  rewritten?: string;
  claim: CacheClaim;
}

interface Edit {
  at: number;
  end: number;
  text: string;
}

const LOCKED = /(?<=^--mount=["']?|,["']?)sharing=locked(?=["']?(?:,|$))/gi;

/** a span of the logical line that is one contiguous span of the file, or undefined */
function fileSpan(offs: number[], start: number, end: number): { at: number; end: number } | undefined {
  const at = offs[start];
  const last = offs[end - 1];
  return at !== undefined && last === at + (end - 1 - start) ? { at, end: last + 1 } : undefined;
}

function nests(a: Mount, b: Mount): boolean {
  if (a.target === undefined || b.target === undefined) return true;
  return covers(a.target, b.target) || covers(b.target, a.target);
}

/**
 * The workaround for the hang, on a copy of the Dockerfile: a RUN that would leave a lock held
 * keeps its last locked cache mount locked, mounts its other locked ones `sharing=shared`, and
 * has that locked mount's flag swapped with its last cache mount's (when no mount in between
 * nests with it, so the order cannot matter). kiln then runs no other build that locks those
 * ids while this one runs (`claim`): within a kiln run they stay as exclusive as the user asked.
 * Undefined when it cannot (a `sharing=locked` not written literally, e.g. `sharing=$MODE`;
 * nesting targets; a line break inside a flag): then only the refusal is left.
 */
export function podmanLockRewrite(dockerfile: string): PodmanDockerfile | undefined {
  const steps = runSteps(dockerfile);
  const locked = new Set(
    steps
      .flatMap((s) => s.mounts.filter(isLocked).map(cacheId))
      .filter((id): id is string => id !== undefined),
  );
  // a Dockerfile Buildah builds as written stays as written
  if (podmanLockHazard(dockerfile) === undefined) return { claim: { exclusive: [], locked: [...locked] } };
  const runs = new Map(
    splitInstructions(dockerfile)
      .instructions.filter((i) => i.keyword === "RUN")
      .map((i) => [dockerfile.lastIndexOf("\n", i.start - 1) + 1, i]),
  );
  const exclusive = new Set<string>();
  const edits: Edit[] = [];
  for (const step of steps) {
    if (leftLocked(step).length === 0) continue;
    const inst = runs.get(step.start);
    const flags = inst ? splitFlags(inst.line).flags.filter((f) => f.name === "mount") : [];
    if (!inst || flags.length !== step.mounts.length) return undefined;
    const span = (i: number) => fileSpan(inst.line.offs, flags[i].start, flags[i].end);
    const lockedAt = step.mounts.flatMap((m, i) => (isLocked(m) ? [i] : []));
    const keep = lockedAt[lockedAt.length - 1];
    for (const i of lockedAt.slice(0, -1)) {
      const hits = [...inst.line.text.slice(flags[i].start, flags[i].end).matchAll(LOCKED)];
      const where = span(i);
      if (hits.length !== 1 || !where) return undefined;
      const at = where.at + (hits[0].index ?? 0) + "sharing=".length;
      edits.push({ at, end: at + "locked".length, text: "shared" });
      const id = cacheId(step.mounts[i]);
      if (id !== undefined) exclusive.add(id);
    }
    const lastCache = step.mounts.map((m) => m.type).lastIndexOf("cache");
    if (lastCache !== keep) {
      const between = step.mounts.slice(keep + 1, lastCache + 1);
      const a = span(keep);
      const b = span(lastCache);
      if (!a || !b || between.some((m) => nests(m, step.mounts[keep]))) return undefined;
      edits.push(
        { ...a, text: dockerfile.slice(b.at, b.end) },
        { ...b, text: dockerfile.slice(a.at, a.end) },
      );
    }
  }
  // downgrade edits lie inside flags that are never swapped (a swapped flag is the kept one or
  // comes after the last locked one): no two edits overlap
  let rewritten = dockerfile;
  for (const e of edits.sort((x, y) => y.at - x.at))
    rewritten = rewritten.slice(0, e.at) + e.text + rewritten.slice(e.end);
  if (podmanLockHazard(rewritten) !== undefined) return undefined;
  return { rewritten, claim: { exclusive: [...exclusive], locked: [...locked] } };
}
