/**
 * COPY/ADD of the build context: which ones take the whole context (`COPY . .`).
 */
import type { CopyStep, Step } from "./dockerfile-model.js";

const BROAD = /^(\.|\.\/|\.\/\.|\*|\.\/\*|\.\/\.\*)$/;

export function isBroadCopy(step: Step): step is CopyStep {
  return step.kind === "copy" && step.from === undefined && step.sources.some((s) => BROAD.test(s.trim()));
}
