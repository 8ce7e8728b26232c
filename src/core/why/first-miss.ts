/**
 * `kiln why`: which Dockerfile instruction's cache will miss first, found by mapping each
 * changed input to the instruction that consumes it — a changed file to the COPY/ADD/bind mount
 * that reads it, a build arg to the RUNs in its scope, a base image (or a service built FROM)
 * to its stage, a changed line to itself — and how many steps will run again (once a step
 * misses, every later step of its stage runs, and every stage that copies from it).
 */
import {
  argDeclarations,
  parseInstructions,
  type Instruction,
} from "../fingerprint/dockerfile-instructions.js";
import {
  fromRefs,
  globalArgScope,
  neededStages,
  readsOf,
  ReadSet,
  stagesOf,
  type Stage,
} from "../fingerprint/build-reads.js";
import { expandVars } from "../fingerprint/base-images.js";
import { normalizeImageRef } from "../image-ref.js";
import type { InputDiff } from "./input-diff.js";

/** instructions BuildKit runs as steps (and reports CACHED or not) */
const STEPS = new Set(["RUN", "COPY", "ADD", "WORKDIR"]);
/** instructions whose change reaches the RUN steps after them */
const RUN_SCOPE = new Set(["ENV", "ARG", "USER", "SHELL"]);

export interface MissInput {
  dockerfile: string;
  /** the Dockerfile the previous image was built from, when recorded */
  previousDockerfile?: string;
  diff: InputDiff;
  args: Record<string, string | null>;
  target?: string;
  /** image name (normalized) → service, for FROM another service's image */
  serviceImages: Record<string, string>;
}

export interface FirstMiss {
  line: number;
  /** `COPY requirements.txt ./` */
  instruction: string;
  /** the stage name, or its index */
  stage: string;
  /** what makes it miss */
  because: string;
}

export interface MissResult {
  first?: FirstMiss;
  /** steps (RUN/COPY/ADD/WORKDIR) of the stages built that will run again */
  willRun: number;
  /** all the steps of the stages built */
  steps: number;
}

export function firstMiss(input: MissInput): MissResult {
  const instructions = parseInstructions(input.dockerfile);
  const stages = stagesOf(instructions);
  const previous =
    input.previousDockerfile === undefined
      ? undefined
      : stagesOf(parseInstructions(input.previousDockerfile));
  const globalScope = globalArgScope(instructions, input.args);
  const changedArgs = new Set(input.diff.args.map((a) => a.name));
  const changedBases = new Set(input.diff.baseImages.map((b) => normalizeImageRef(b.ref)));
  const changedServices = new Set(input.diff.services.map((s) => s.service));
  const files = [...input.diff.files.added, ...input.diff.files.removed, ...input.diff.files.changed];
  const missed = new Map<number, boolean>();
  const stageIndex = (ref: string, before: number): number | undefined => {
    if (/^\d+$/.test(ref)) return Number(ref) < before ? Number(ref) : undefined;
    for (let i = before - 1; i >= 0; i--) if (stages[i].name === ref.toLowerCase()) return i;
    return undefined;
  };
  const imageChanged = (ref: string): string | undefined => {
    const normalized = normalizeImageRef(expandVars(ref, globalScope));
    if (changedBases.has(normalized)) return `base image ${ref} changed`;
    const service = input.serviceImages[normalized];
    if (service !== undefined && changedServices.has(service)) return `image of service ${service} changed`;
    return undefined;
  };

  let first: FirstMiss | undefined;
  let willRun = 0;
  let steps = 0;
  for (const i of neededStages(stages, input.target, (ref) => expandVars(ref, globalScope))) {
    const stage = stages[i];
    const before = previous?.[i];
    const label = stage.name ?? String(i);
    let because: string | undefined;
    // FROM: the stage starts from something else
    const parent = stageIndex(stage.from, i);
    if (parent !== undefined) {
      if (missed.get(parent)) because = `stage ${stages[parent].name ?? parent} runs again`;
    } else {
      because = imageChanged(
        stage.header.args.split(/\s+/).find((w) => w !== "" && !w.startsWith("--")) ?? "",
      );
    }
    if (!because && usesAny(stage.header.args, changedArgs)) because = `FROM uses a changed build arg`;
    if (!because && before && before.header.args !== stage.header.args)
      because = `Dockerfile line ${stage.header.line} changed`;
    if (!because && !previous && input.diff.dockerfile)
      because = "the Dockerfile changed (no earlier text recorded)";
    let missing = false;
    let pending = because; // a changed FROM makes the first step miss
    const scope = new Set<string>();
    stage.instructions.forEach((ins, k) => {
      const isStep = STEPS.has(ins.keyword);
      if (!missing) {
        const old = before?.instructions[k];
        const textChanged = before !== undefined && (old?.keyword !== ins.keyword || old.args !== ins.args);
        let why: string | undefined;
        if (ins.keyword === "ARG") {
          for (const { name } of argDeclarations(ins.args)) {
            scope.add(name);
            if (changedArgs.has(name)) pending ??= `build arg ${name} changed`;
          }
        }
        if (textChanged && RUN_SCOPE.has(ins.keyword)) pending ??= `Dockerfile line ${ins.line} changed`;
        if (isStep) {
          if (textChanged) why = `Dockerfile line ${ins.line} changed`;
          else if (pending && (ins.keyword === "RUN" || because !== undefined)) why = pending;
          else
            why = readsChanged(ins, files) ?? fromChanged(ins, i, stageIndex, missed, stages, imageChanged);
          if (!why && usesAny(ins.args, new Set([...changedArgs].filter((a) => scope.has(a))))) {
            why = "uses a changed build arg";
          }
        }
        if (why) {
          missing = true;
          first ??= {
            line: ins.line,
            instruction: `${ins.keyword} ${ins.args}`.trim(),
            stage: label,
            because: why,
          };
        }
      }
      if (isStep) {
        steps++;
        if (missing) willRun++;
      }
    });
    missed.set(
      i,
      missing || (because !== undefined && stage.instructions.every((x) => !STEPS.has(x.keyword))),
    );
  }
  return { ...(first ? { first } : {}), willRun, steps };
}

function readsChanged(ins: Instruction, files: string[]): string | undefined {
  if (files.length === 0) return undefined;
  for (const read of readsOf(ins)) {
    if (read.whole) return `reads the whole context (${files[0]} changed)`;
    if (read.source === undefined) continue;
    const set = new ReadSet([read.source]);
    const hit = files.find((f) => set.wants(f));
    if (hit !== undefined) return `reads ${hit}, which changed`;
  }
  return undefined;
}

function fromChanged(
  ins: Instruction,
  at: number,
  stageIndex: (ref: string, before: number) => number | undefined,
  missed: Map<number, boolean>,
  stages: Stage[],
  imageChanged: (ref: string) => string | undefined,
): string | undefined {
  for (const ref of fromRefs(ins)) {
    const index = stageIndex(ref, at);
    if (index !== undefined) {
      if (missed.get(index)) return `copies from stage ${stages[index].name ?? index}, which runs again`;
    } else {
      const why = imageChanged(ref);
      if (why) return why;
    }
  }
  return undefined;
}

function usesAny(text: string, names: Set<string>): boolean {
  for (const name of names) if (new RegExp(`\\$\\{?${name}\\b`).test(text)) return true;
  return false;
}
