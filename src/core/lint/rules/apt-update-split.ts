import { isUpdateOnly, splitUpdates } from "../apt-facts.js";
import { insert } from "../edits.js";
import { finding, type Rule } from "../rule.js";
import type { Edit, Finding } from "../finding-types.js";

export const aptUpdateSplit: Rule = {
  id: "apt-update-split",
  severity: "warning",
  summary: "apt-get install in a later RUN than its apt-get update",
  explain: `\`RUN apt-get update\` on its own line is cached as a layer. When a later RUN's package
list changes, only the install re-runs — on package lists from whenever the update layer was
built: installs fail with 404s or pick old versions, and adding a package never refreshes the
lists. Update and install in the same RUN:

  RUN apt-get update && apt-get install -y --no-install-recommends curl

Fires on a RUN that installs with apt-get/apt without an update before it in the same RUN
while an earlier RUN of the image (parent stages included) ran the update. The fix puts
\`apt-get update &&\` in front of the install and deletes the earlier RUN when it did nothing
but update.`,
  check(ctx) {
    const out: Finding[] = [];
    const text = ctx.analysis.model.text;
    for (const { update, install } of splitUpdates(ctx.analysis)) {
      const use = install.uses.find((u) => u.tool === "apt" && u.downloads && u.action !== "update")!;
      const cmd = use.command;
      const edits: Edit[] = [];
      if (cmd.start >= 0 && cmd.program.end >= 0) {
        edits.push(insert(cmd.start, `${text.slice(cmd.start, cmd.program.end)} update && `));
        if (isUpdateOnly(update) && !update.step.onbuild) {
          const nl = text.indexOf("\n", update.step.end);
          edits.push({ start: update.step.start, end: nl === -1 ? text.length : nl + 1, text: "" });
        }
      }
      out.push(
        finding(
          this,
          install.step,
          `${cmd.name} ${use.action} relies on the package lists of the RUN at line ${update.step.line}; a cached update layer gives stale lists: run \`${cmd.name} update &&\` in this RUN`,
          edits,
        ),
      );
    }
    return out;
  },
};
