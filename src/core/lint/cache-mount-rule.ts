/**
 * One factory for the `<tool>-cache-mount` rules: a RUN whose package manager downloads into a
 * cache directory that no `--mount=type=cache` holds. The fix adds the missing mounts (with
 * uid/gid for a non-root USER) and drops what would defeat them (`--no-cache-dir`,
 * `npm cache clean`…). With the mounts present but wiped in the same RUN, it fires too.
 */
import type { RunFacts } from "./analysis.js";
import { cacheNeeds, isMet, type CacheNeed } from "./cache-needs.js";
import { isRoot, type RunStep } from "./dockerfile-model.js";
import { insert, removeCommand, removeWord } from "./edits.js";
import { covers, normalizePath } from "./mounts.js";
import type { Tool, ToolUse } from "./package-commands.js";
import { finding, type Rule, type RuleContext } from "./rule.js";
import type { Command } from "./shell-commands.js";
import type { Edit, Finding } from "./finding-types.js";
import { userIds } from "./user-ids.js";
import { expand } from "./variables.js";

export interface CacheMountSpec {
  id: string;
  tool: Tool;
  label: string;
  summary: string;
  explain: string;
  /** option words that turn the cache off (removed by the fix) */
  offOptions?: string[];
  /** `[program, subcommand words…]` that empty the cache */
  cleanCommands?: string[][];
  /** more edits and a note, for the tool's own needs (apt: docker-clean) */
  extra?: (ctx: RuleContext, facts: RunFacts) => Edit[];
  /** steps this rule leaves to another (apt: split update RUNs that get deleted) */
  skip?: (ctx: RuleContext, facts: RunFacts) => boolean;
  /** mount options for a system cache (no uid/gid) */
  system?: boolean;
}

function pathArg(step: RunStep, value: string): string | undefined {
  const v = expand(value.replace(/^~(?=\/|$)/, "$HOME"), step.scope).replace(/\/\*$/, "");
  return v.startsWith("/") ? normalizePath(v) : undefined;
}

/** indexes of the commands in `step` that empty one of the caches */
export function wipeCommands(step: RunStep, needs: CacheNeed[], clean: string[][]): number[] {
  const out: number[] = [];
  step.commands.forEach((c: Command, k) => {
    const words = [c.name, ...c.args.filter((a) => !a.value.startsWith("-")).map((a) => a.value)];
    if (clean.some((pattern) => pattern.every((p, i) => words[i] === p))) out.push(k);
    else if (c.name === "rm") {
      const dirs = needs.flatMap((n) => [n.dir, ...n.also]);
      const hit = c.args.some((a) => {
        const p = pathArg(step, a.value);
        return p !== undefined && p !== "/" && dirs.some((d) => covers(d, p) || covers(p, d));
      });
      if (hit) out.push(k);
    }
  });
  return out;
}

function mountFlag(step: RunStep, n: CacheNeed, system: boolean): string {
  let ids = "";
  if (!system && !isRoot(step.user)) {
    const { uid, gid } = userIds(step);
    ids = `,uid=${uid},gid=${gid}`;
  }
  return `--mount=type=cache,target=${n.dir}${n.options}${ids} `;
}

function dedupe(needs: CacheNeed[]): CacheNeed[] {
  const seen = new Set<string>();
  return needs.filter((n) => (seen.has(n.dir) ? false : (seen.add(n.dir), true)));
}

function offWords(text: string, uses: ToolUse[], off: string[]): Edit[] {
  const edits: Edit[] = [];
  for (const u of uses)
    for (const o of u.options)
      if (off.includes(o.value)) {
        const e = removeWord(text, o);
        if (e) edits.push(e);
      }
  return edits;
}

export function cacheMountRule(spec: CacheMountSpec): Rule {
  const rule: Rule = {
    id: spec.id,
    severity: "warning",
    summary: spec.summary,
    explain: spec.explain,
    check(ctx) {
      const out: Finding[] = [];
      const text = ctx.analysis.model.text;
      for (const facts of ctx.analysis.runs) {
        const uses = facts.uses.filter((u) => u.tool === spec.tool && u.downloads);
        if (uses.length === 0 || spec.skip?.(ctx, facts)) continue;
        const step = facts.step;
        const needs = dedupe(uses.flatMap((u) => cacheNeeds(step, u)));
        if (needs.length === 0) continue;
        const missing = needs.filter((n) => !isMet(step, n));
        const wipes = wipeCommands(step, needs, spec.cleanCommands ?? []);
        const removals = wipes.map((k) => removeCommand(text, step.commands, k));
        const wipeEdits = removals.flatMap((e) => e ?? []);
        if (missing.length === 0) {
          if (wipes.length === 0 || spec.tool === "apt") continue;
          const names = wipes.map((k) => step.commands[k].name).join(", ");
          out.push(
            finding(
              rule,
              step,
              `the ${spec.label} cache mount is emptied in the same RUN (${names}): drop the clean-up, the cache is not part of the image`,
              removals.every((e) => e !== undefined) ? wipeEdits : undefined,
            ),
          );
          continue;
        }
        const edits: Edit[] = [
          insert(step.insertAt, missing.map((n) => mountFlag(step, n, spec.system === true)).join("")),
        ];
        edits.push(...offWords(text, uses, spec.offOptions ?? []));
        edits.push(...wipeEdits);
        edits.push(...(spec.extra?.(ctx, facts) ?? []));
        const dirs = missing.map((n) => n.dir).join(" and ");
        out.push(
          finding(
            rule,
            step,
            `${spec.label} downloads are not cached between builds: add a cache mount on ${dirs}`,
            edits,
          ),
        );
      }
      return out;
    },
  };
  return rule;
}
