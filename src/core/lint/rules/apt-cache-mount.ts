import {
  DOCKER_CLEAN,
  dockerCleanTarget,
  isUpdateOnly,
  KEEP_PACKAGES_LINES,
  splitUpdates,
} from "../apt-facts.js";
import { cacheMountRule } from "../cache-mount-rule.js";
import type { RunStep } from "../dockerfile-model.js";
import { insert } from "../edits.js";
import type { Edit } from "../finding-types.js";

/** the lines that make apt keep what it downloads, put before the step's script */
export function keepPackagesEdit(step: RunStep, text?: string): Edit | undefined {
  const at = step.scriptStart;
  if (at === undefined || step.execForm) return undefined;
  const lines = usesSudo(step, text) ? SUDO_KEEP_PACKAGES_LINES : KEEP_PACKAGES_LINES;
  return at.heredoc
    ? insert(at.offset, `${lines.join("\n")}\n`)
    : insert(at.offset, `${lines.join(" && ")} && `);
}

/**
 * The step runs apt through sudo (a base image that ends with a non-root USER): the inserted
 * commands need the same privilege.
 */
function usesSudo(step: RunStep, text: string | undefined): boolean {
  if (text === undefined) return false;
  return step.commands.some(
    (c) =>
      (c.name === "apt-get" || c.name === "apt" || c.name === "aptitude") &&
      c.start >= 0 &&
      /^sudo\b/.test(text.slice(c.start, c.start + 5)),
  );
}

const SUDO_KEEP_PACKAGES_LINES = [
  `sudo rm -f ${DOCKER_CLEAN}`,
  `echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' | sudo tee /etc/apt/apt.conf.d/keep-cache >/dev/null`,
];

export const aptCacheMount = cacheMountRule({
  id: "apt-cache-mount",
  tool: "apt",
  label: "apt",
  system: true,
  cleanCommands: [
    ["apt-get", "clean"],
    ["apt", "clean"],
  ],
  summary: "apt-get/apt downloads without a cache mount on /var/cache/apt and /var/lib/apt",
  skip: (ctx, facts) => splitUpdates(ctx.analysis).some((s) => s.update === facts && isUpdateOnly(facts)),
  extra: (ctx, facts) => {
    const edits: Edit[] = [];
    if (dockerCleanTarget(ctx.analysis, facts.step) === facts.step) {
      const e = keepPackagesEdit(facts.step, ctx.analysis.model.text);
      if (e) edits.push(e);
    }
    return edits;
  },
  explain: `Every change to a RUN that installs Debian/Ubuntu packages makes apt download all of
them again: the .deb files and the package lists live in the layer, which is thrown away.
A BuildKit cache mount keeps them on the builder between builds:

  RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \\
      --mount=type=cache,target=/var/lib/apt,sharing=locked \\
      apt-get update && apt-get install -y --no-install-recommends curl

sharing=locked because apt takes a lock on these directories: two builds writing at once
would fail. The cache is not part of the image, so \`apt-get clean\` and
\`rm -rf /var/lib/apt/lists/*\` are no longer needed — and they would empty the cache.
Fires on a RUN running apt-get/apt update, install, upgrade or build-dep where no cache mount
holds /var/cache/apt (for installs) or /var/lib/apt (for update); a mount on a parent
directory or with an id= counts. The fix adds the missing mounts, removes the clean-up
commands, and, in the first apt RUN of the image, removes the base image's docker-clean hook
(see apt-docker-clean).`,
});
