/**
 * The facts every rule reads, computed once per Dockerfile: the model, and for each RUN the
 * package-manager commands it runs.
 */
import { buildModel, type DockerfileModel, type RunStep, type Stage, type Step } from "./dockerfile-model.js";
import { classify, type Tool, type ToolUse } from "./package-commands.js";

export interface RunFacts {
  step: RunStep;
  uses: ToolUse[];
}

export interface Analysis {
  model: DockerfileModel;
  runs: RunFacts[];
  steps: Step[];
  /** the stage that ships: the build target or the last stage */
  finalStage?: Stage;
  factsOf(step: RunStep): RunFacts;
}

export function analyze(text: string, target?: string): Analysis {
  const model = buildModel(text);
  const runs: RunFacts[] = [];
  const steps: Step[] = [];
  const byStep = new Map<RunStep, RunFacts>();
  for (const stage of model.stages) {
    for (const step of stage.steps) {
      steps.push(step);
      if (step.kind !== "run") continue;
      const uses: ToolUse[] = [];
      for (const c of step.commands) {
        const u = classify(c);
        if (u) uses.push(u);
      }
      const facts = { step, uses };
      runs.push(facts);
      byStep.set(step, facts);
    }
  }
  const named = target === undefined ? undefined : model.stages.find((s) => s.name === target.toLowerCase());
  const finalStage = named ?? model.stages[model.stages.length - 1];
  return {
    model,
    runs,
    steps,
    ...(finalStage === undefined ? {} : { finalStage }),
    factsOf: (step) => byStep.get(step) ?? { step, uses: [] },
  };
}

export function usesOf(facts: RunFacts, tool: Tool): ToolUse[] {
  return facts.uses.filter((u) => u.tool === tool);
}
