import { stageChain } from "../dockerfile-model.js";
import { finding, type Rule } from "../rule.js";
import type { Finding } from "../finding-types.js";

const TOOLS =
  /^(build-essential|build-base|gcc|g\+\+|gcc-\d+|g\+\+-\d+|cpp|clang|clang-\d+|llvm|make|cmake|ninja-build|autoconf|automake|libtool|gfortran|musl-dev|linux-headers|rustc|cargo|golang|golang-go|gcc-c\+\+|"?Development Tools"?)$/;
const INSTALLERS = new Set(["apt-get", "apt", "aptitude", "apk", "yum", "dnf", "microdnf", "zypper"]);
const REMOVERS = /^(purge|remove|autoremove|del|erase)$/;
/** stages named like this build a development image, where compilers belong */
const DEV_STAGE = /^(dev|devel|develop|development|devcontainer|devenv)([-_.\d]|$)/;

export const buildToolsInFinalStage: Rule = {
  id: "build-tools-in-final-stage",
  severity: "info",
  summary: "compilers installed in the stage that ships",
  explain: `Compilers and build tools (build-essential, gcc, make, cmake, build-base, musl-dev…) in
the image that ships make it hundreds of MB larger, slower to push and pull, and widen its
attack surface. Build in an earlier stage and copy only the result:

  FROM python:3.12-slim AS build
  RUN apt-get update && apt-get install -y build-essential
  RUN pip wheel --wheel-dir /wheels -r requirements.txt

  FROM python:3.12-slim
  COPY --from=build /wheels /wheels
  RUN pip install --no-index /wheels/*

Fires on an install of such packages (apt, apk, yum/dnf, zypper) in the final stage (the build
target in project mode) or a stage it is built FROM, unless the same RUN removes them again
(\`apk del .build-deps\`, \`apt-get purge\`). Silent for development images: the
service a devcontainer.json names, and a final stage named \`dev\`, \`devel\`, \`development\`,
\`devcontainer\`… Severity info: a CI image may want them too.`,
  check(ctx) {
    const out: Finding[] = [];
    const final = ctx.analysis.finalStage;
    if (final === undefined || ctx.options.devImage === true) return out;
    if (final.name !== undefined && DEV_STAGE.test(final.name)) return out;
    for (const stage of stageChain(final)) {
      for (const step of stage.steps) {
        if (step.kind !== "run" || step.onbuild) continue;
        const installed: string[] = [];
        const removed = new Set<string>();
        let virtual: string | undefined;
        for (const c of step.commands) {
          if (!INSTALLERS.has(c.name)) continue;
          const words = c.args.map((a) => a.value);
          const action = words.find((w) => !w.startsWith("-"));
          const v = words.findIndex((w) => w === "--virtual" || w === "-t");
          if (action === "add" && v !== -1) virtual = words[v + 1];
          const operands = words.filter((w) => !w.startsWith("-") && w !== action);
          if (action !== undefined && REMOVERS.test(action)) for (const o of operands) removed.add(o);
          else if (action === "install" || action === "add" || action === "groupinstall")
            installed.push(...operands.filter((o) => TOOLS.test(o)));
        }
        // `apt-mark auto …` then `apt-get purge --auto-remove`: everything installed here goes again
        const names = step.commands.map((c) => `${c.name} ${c.args.map((a) => a.value).join(" ")}`);
        if (
          names.some((n) => /^apt-mark auto/.test(n)) &&
          names.some((n) => /^apt(-get)? (.* )?(purge|autoremove)|--auto-remove/.test(n))
        )
          continue;
        const kept = installed.filter(
          (t) => !removed.has(t) && !(virtual !== undefined && removed.has(virtual)),
        );
        if (kept.length === 0) continue;
        const where = final.name === undefined ? "the final stage" : `the final stage "${final.name}"`;
        out.push(
          finding(
            this,
            step,
            `${[...new Set(kept)].join(", ")} ${kept.length === 1 ? "is" : "are"} installed in ${where}, the image that ships: build in an earlier stage and COPY --from it only the result`,
          ),
        );
      }
    }
    return out;
  },
};
