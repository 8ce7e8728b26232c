/**
 * Why the plan does what it does for a target, as data (#14.4): a code a program can switch on,
 * with its details. The words are rendered in src/report/plan-reason.ts only.
 */
import type { InputChange } from "../fingerprint/explain.js";

export type CauseCode =
  /** an image with the current fingerprint is on the engine */
  | "fresh"
  /** no image, and no record of an earlier build to compare with */
  | "no-image"
  | "sources-changed"
  | "dockerfile-changed"
  | "args-changed"
  | "base-changed"
  /** a service it is built FROM changed */
  | "dependency-changed"
  /** target, platforms, labels, additional contexts, the fingerprint format */
  | "inputs-changed"
  /** the registry holds the fingerprint: pulled instead of built */
  | "registry-hit"
  /** `kiln rebuild` or `--no-cache` */
  | "forced"
  /** outside the selection (services named on the command line) */
  | "not-selected"
  /** outside what the devcontainer starts */
  | "not-started"
  /** a registry pull failed: built instead */
  | "pull-failed";

export interface PlanCause {
  code: CauseCode;
  /** what changed since the last build (the `*-changed` codes) */
  changes?: InputChange[];
  /** `forced`: by what */
  forced?: "rebuild" | "no-cache";
  /** `registry-hit`: the registry */
  registry?: string;
  /** built (or pulled) first because a selected service is built FROM it */
  neededBy?: string;
  /** `not-selected` / `not-started`: whether its image is fresh anyway */
  fresh?: boolean;
  /** `pull-failed`: the error */
  error?: string;
}

/** the cause of a target that needs building, from what changed (none known: no image) */
export function changeCause(changes: InputChange[] | undefined): PlanCause {
  if (!changes || changes.length === 0) return { code: "no-image" };
  return { code: CHANGE_CODES[changes[0].kind] ?? "inputs-changed", changes };
}

const CHANGE_CODES: Partial<Record<InputChange["kind"], CauseCode>> = {
  sources: "sources-changed",
  context: "sources-changed",
  dockerfile: "dockerfile-changed",
  arg: "args-changed",
  "base-image": "base-changed",
  "service-image": "dependency-changed",
};

/** the target's image is on the engine for its current fingerprint (skipped as fresh) */
export function isFreshCause(cause: PlanCause): boolean {
  return cause.code === "fresh" || (outsideScopeCause(cause) && cause.fresh === true);
}

/** a service the bake was not about (not selected, or not started by the devcontainer) */
export function outsideScopeCause(cause: PlanCause): boolean {
  return cause.code === "not-selected" || cause.code === "not-started";
}
