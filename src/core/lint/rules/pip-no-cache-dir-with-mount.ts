import { cacheNeeds, isMet } from "../cache-needs.js";
import { removeWord } from "../edits.js";
import { finding, type Rule } from "../rule.js";
import type { Edit, Finding } from "../finding-types.js";

const OFF = new Set(["", "0", "false", "no", "off"]);

export const pipNoCacheDirWithMount: Rule = {
  id: "pip-no-cache-dir-with-mount",
  severity: "warning",
  summary: "pip --no-cache-dir (or PIP_NO_CACHE_DIR) on a RUN that has a pip cache mount",
  explain: `--no-cache-dir keeps pip's cache out of the image — but with a cache mount the cache is
not in the image anyway, and --no-cache-dir makes pip ignore the mount: every build downloads
again. Keep the mount, drop the option:

  RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt

Fires when a pip install has a cache mount holding its cache directory and --no-cache-dir is
given, or PIP_NO_CACHE_DIR is set (ENV, ARG or on the command). The fix removes the option;
an ENV PIP_NO_CACHE_DIR must be removed by hand (or unset for that RUN).`,
  check(ctx) {
    const out: Finding[] = [];
    const text = ctx.analysis.model.text;
    for (const facts of ctx.analysis.runs) {
      const step = facts.step;
      for (const u of facts.uses) {
        if (u.tool !== "pip") continue;
        const needs = cacheNeeds(step, u);
        if (needs.length === 0 || !needs.every((n) => isMet(step, n))) continue;
        const words = u.options.filter((o) => o.value === "--no-cache-dir");
        const env = u.command.env.PIP_NO_CACHE_DIR ?? step.scope.get("PIP_NO_CACHE_DIR");
        if (words.length === 0 && (env === undefined || OFF.has(env.toLowerCase()))) continue;
        const edits = words.map((w) => removeWord(text, w)).filter((e): e is Edit => e !== undefined);
        const fixable = words.length > 0 && edits.length === words.length && env === undefined;
        const what = words.length > 0 ? "--no-cache-dir" : "PIP_NO_CACHE_DIR";
        out.push(
          finding(
            this,
            step,
            `${what} makes pip ignore the cache mount on ${needs[0].dir}: every build downloads again`,
            fixable ? edits : undefined,
          ),
        );
        break;
      }
    }
    return out;
  },
};
