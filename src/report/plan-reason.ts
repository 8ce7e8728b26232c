/**
 * A plan target's cause in words (the only place they are made): `build: sources changed
 * (api/server.txt)`, `skip: fresh`, `pull: fingerprint found in …`.
 */
import type { PlanAction } from "../core/plan/plan.js";
import type { PlanCause } from "../core/plan/cause.js";
import { changeText } from "./change-text.js";

const NOT_STARTED =
  "skip: not started by the devcontainer (not in service/runServices or what they depend on; name it or use --all)";

export function planReason(target: { action: PlanAction; cause: PlanCause }): string {
  const { cause } = target;
  switch (cause.code) {
    case "fresh":
      return "skip: fresh";
    case "not-selected":
      return cause.fresh ? "skip: not selected (fresh)" : "skip: not selected";
    case "not-started":
      return cause.fresh ? `${NOT_STARTED} (fresh)` : NOT_STARTED;
    case "forced":
      return cause.forced === "rebuild"
        ? "build: rebuild from scratch requested"
        : "build: --no-cache requested";
    case "registry-hit":
      return cause.neededBy
        ? `pull: needed by ${cause.neededBy} (fingerprint found in ${cause.registry ?? "the registry"})`
        : `pull: fingerprint found in ${cause.registry ?? "the registry"}`;
    case "pull-failed":
      return `build: pull failed (${cause.error ?? "unknown error"})`;
    default: {
      const what = cause.changes?.length ? cause.changes.map(changeText).join("; ") : "no image";
      return cause.neededBy ? `build: needed by ${cause.neededBy} (${what})` : `build: ${what}`;
    }
  }
}

/** one line on what the fingerprint reads from the context, when it is the whole of it */
export function readsNote(reads: { sources?: string[]; whole: string[] } | undefined): string | undefined {
  if (!reads || reads.whole.length === 0) return undefined;
  const more = reads.whole.length > 1 ? ` (and ${reads.whole.length - 1} more)` : "";
  return `fingerprints the whole context: ${reads.whole[0]}${more}`;
}
