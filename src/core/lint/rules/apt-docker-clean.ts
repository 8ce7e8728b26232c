import type { RunFacts } from "../analysis.js";
import { aptWipes, dockerCleanTarget, KEEP_PACKAGES_LINES } from "../apt-facts.js";
import { stepsBefore, type RunStep } from "../dockerfile-model.js";
import { cacheMounts } from "../cache-needs.js";
import { insert, removeCommand } from "../edits.js";
import { covers } from "../mounts.js";
import { finding, type Rule } from "../rule.js";
import type { Edit, Finding } from "../finding-types.js";
import { keepPackagesEdit } from "./apt-cache-mount.js";

function usesAptFrontEnd(facts: RunFacts): boolean {
  return facts.uses.some(
    (u) => u.tool === "apt" && u.command.name === "apt" && u.downloads && u.action !== "update",
  );
}

function keepsPackages(step: RunStep): boolean {
  const runs = [...stepsBefore(step), step].filter((s): s is RunStep => s.kind === "run");
  return runs.some((s) => s.scripts.some((seg) => seg.text.includes("Keep-Downloaded-Packages")));
}

export const aptDockerClean: Rule = {
  id: "apt-docker-clean",
  severity: "warning",
  summary: "an apt cache mount that stays empty: docker-clean not removed, or the cache is cleaned",
  explain: `The official Debian and Ubuntu images ship /etc/apt/apt.conf.d/docker-clean, an apt
hook that deletes every downloaded .deb right after the install. With a cache mount on
/var/cache/apt the hook empties the mount, so the next build downloads everything again.
Remove the hook (and tell the \`apt\` front end to keep packages) once per image, before the
first install:

  RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \\
      --mount=type=cache,target=/var/lib/apt,sharing=locked \\
      rm -f /etc/apt/apt.conf.d/docker-clean && \\
      echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' > /etc/apt/apt.conf.d/keep-cache && \\
      apt-get update && apt-get install -y curl

Fires on a RUN with an apt cache mount when no earlier RUN of the image (parent stages
included) removes docker-clean or sets Keep-Downloaded-Packages, and on a RUN that empties its
own apt cache mount (\`apt-get clean\`, \`rm -rf /var/lib/apt/lists/*\`). The fix adds the two
lines above to the first apt RUN and removes the clean-up commands.`,
  check(ctx) {
    const out: Finding[] = [];
    for (const facts of ctx.analysis.runs) {
      const step = facts.step;
      if (!facts.uses.some((u) => u.tool === "apt" && u.downloads)) continue;
      const mounts = cacheMounts(step);
      const archives = mounts.some((m) => covers(m.target!, "/var/cache/apt/archives"));
      const lists = mounts.some((m) => covers(m.target!, "/var/lib/apt/lists"));
      if (!archives && !lists) continue;
      const reasons: string[] = [];
      const edits: Edit[] = [];
      let fixable = true;
      if (archives && dockerCleanTarget(ctx.analysis, step) === step) {
        reasons.push(
          "the base image's /etc/apt/apt.conf.d/docker-clean deletes downloaded packages, so the cache mount stays empty",
        );
        const e = keepPackagesEdit(step, ctx.analysis.model.text);
        if (e) edits.push(e);
        else fixable = false;
      } else if (archives && usesAptFrontEnd(facts) && !keepsPackages(step)) {
        // the `apt` front end deletes what it downloaded unless told otherwise
        reasons.push(
          "`apt install` deletes downloaded packages unless Binary::apt::APT::Keep-Downloaded-Packages is set",
        );
        const at = step.scriptStart;
        if (at === undefined || step.execForm) fixable = false;
        else
          edits.push(
            insert(at.offset, at.heredoc ? `${KEEP_PACKAGES_LINES[1]}\n` : `${KEEP_PACKAGES_LINES[1]} && `),
          );
      }
      const wipes = aptWipes(step).filter((k) => {
        const args = step.commands[k].args.map((a) => a.value).join(" ");
        return step.commands[k].name !== "rm" || (args.includes("/var/cache/apt") ? archives : lists);
      });
      if (wipes.length > 0) {
        reasons.push(
          `the RUN empties its own apt cache mount (${wipes.map((k) => step.commands[k].args.map((a) => a.value).join(" ") || step.commands[k].name).join("; ")})`,
        );
        for (const k of wipes) {
          const e = removeCommand(ctx.analysis.model.text, step.commands, k);
          if (e) edits.push(...e);
          else fixable = false;
        }
      }
      if (reasons.length > 0)
        out.push(finding(this, step, reasons.join("; and "), fixable ? edits : undefined));
    }
    return out;
  },
};
