import { cacheId } from "../mounts.js";
import { finding, type Rule } from "../rule.js";
import type { RunStep } from "../dockerfile-model.js";
import type { Finding } from "../finding-types.js";

export const cacheMountIdCollision: Rule = {
  id: "cache-mount-id-collision",
  severity: "warning",
  summary: "two cache mounts with different targets share one id",
  explain: `A cache mount's identity is its id= (or, without one, its target). Two mounts with the same
id but different targets share one directory on the builder: npm's cache ends up in pip's, apt
lock files appear in a Go cache, and each tool may evict or corrupt the other's data.

  RUN --mount=type=cache,id=deps,target=/root/.npm npm ci
  RUN --mount=type=cache,id=deps,target=/root/.cache/pip pip install -r requirements.txt   # fires

Give each cache its own id (or drop id= and let the target be the id). Mounts that use the same
id for the same target — the usual way to share one cache between stages — are fine.`,
  check(ctx) {
    const out: Finding[] = [];
    const first = new Map<string, { target: string; step: RunStep }>();
    for (const { step } of ctx.analysis.runs) {
      const reported = new Set<string>();
      for (const m of step.mounts) {
        if (m.type !== "cache" || m.target === undefined) continue;
        const id = cacheId(m)!;
        const seen = first.get(id);
        if (seen === undefined) first.set(id, { target: m.target, step });
        else if (seen.target !== m.target && !reported.has(id)) {
          reported.add(id);
          out.push(
            finding(
              this,
              step,
              `cache id "${id}" is used for ${m.target} here and for ${seen.target} at line ${seen.step.line}: the two caches share one directory`,
            ),
          );
        }
      }
    }
    return out;
  },
};
