import { cacheNeeds, isMet } from "../cache-needs.js";
import { stepsBefore, type CopyStep, type RunStep, type Step } from "../dockerfile-model.js";
import { installCopy } from "../install-copy.js";
import { copyBeforeInstallFix, manifestCopies } from "../install-fix.js";
import {
  ecosystemOf,
  installLabel,
  isManifestName,
  manifestsOf,
  type Manifests,
} from "../install-manifests.js";
import type { ToolUse } from "../package-commands.js";
import { finding, type Rule } from "../rule.js";
import type { Finding } from "../finding-types.js";

/**
 * the same ecosystem installed before: its dependencies are in the image already (an install
 * after the COPY is the finding itself; one before it is the usual split, or a warm-up such as
 * `gradle downloadRepos` on the manifests)
 */
function depsInstalledBefore(before: Step[], use: ToolUse, runsOf: (s: RunStep) => ToolUse[]): boolean {
  const eco = ecosystemOf(use);
  return before.some(
    (s) =>
      s.kind === "run" &&
      runsOf(s).some((u) => ecosystemOf(u) === eco && u.kind !== "free" && u.kind !== "none"),
  );
}

/** a compile step whose downloads sit on a cache mount does not download again */
function downloadsCached(step: RunStep, use: ToolUse): boolean {
  const needs = cacheNeeds(step, use);
  if (use.tool === "dotnet") {
    const home = step.scope.get("HOME") ?? "/root";
    return step.mounts.some(
      (m) => m.type === "cache" && m.target !== undefined && `${home}/.nuget/packages`.startsWith(m.target),
    );
  }
  return needs.length > 0 && isMet(step, needs[0]);
}

function where(copy: CopyStep, step: RunStep): string {
  const stage =
    copy.stage === step.stage
      ? ""
      : `, stage ${copy.stage.name ?? `#${copy.stage.index}`} that this stage is built FROM`;
  return `\`${copy.keyword} ${copy.sources.join(" ")}\` (line ${copy.line}${stage})`;
}

/** `COPY <manifests> <dest>`: context paths, and where the copy puts them */
export function copyLine(m: Manifests, copy: CopyStep, prefix: string, inside: boolean): string {
  const d = copy.dest;
  // the names carry the project's subfolder (`web/package.json`): manifestCopies keeps it
  const dest = inside || d === "." || d === "./" ? "./" : d.replace(/\/*$/, "/");
  return manifestCopies(m.names, prefix, dest).join("; ");
}

export const copyBeforeInstall: Rule = {
  id: "copy-before-install",
  severity: "warning",
  summary: "a dependency install after a COPY of the whole context (or a source folder) in the same image",
  explain: `Every instruction after \`COPY . .\` re-runs whenever any file of the context changes. A
dependency install placed after it re-downloads and re-installs everything on each code edit.
Copy only the manifests first, install, then copy the rest:

  COPY package.json package-lock.json ./
  RUN --mount=type=cache,target=/root/.npm npm ci
  COPY . .

(or bind-mount the manifests into the install RUN). Fires on an install that reads only the
manifests (npm ci/install, yarn (1 and berry), pnpm/bun install, pip install -r, uv sync/uv pip,
poetry/pipenv install, conda/mamba env files, go mod download, cargo fetch/chef cook, bundle
install, composer install, mvn dependency:go-offline, gradle dependencies, dotnet restore), on a
project install (pip install ./-e ., poetry install, uv sync) and on a compile step that
downloads the dependencies itself (go build, cargo build, mvn package, gradle build, dotnet
publish) when no dependency-only install ran before the COPY and no cache mount holds the
downloads — placed after a COPY/ADD of the whole context, or of a source folder that holds the
project, in the same image (parent stages included: the message names the stage). The message
lists the manifests to copy first: the ones in the context when kiln knows it, the usual names
otherwise; when the context is known and holds none, the rule stays silent. It also fires on
installs that need nothing from the context (apt-get install, apk add, pip install <name>, npm
install -g, gem install <name>) placed after a COPY of the whole context — move those above it.

--fix (when the manifests are in the context, the install is the first command of its RUN, the
RUN directly follows the COPY and nothing but COPYs sit between): inserts
\`COPY <manifests> <dest>\` and the dependency install (\`npm ci\`, \`pip install -r …\`, \`go mod
download\`, \`poetry install --no-root\`, \`uv sync --no-install-project\`) before the COPY; an install
that only reads manifests moves there, one that also installs the project or compiles stays
after the COPY.`,
  check(ctx) {
    const out: Finding[] = [];
    const files = ctx.options.contextFiles;
    const runsOf = (s: RunStep): ToolUse[] => ctx.analysis.factsOf(s).uses;
    for (const facts of ctx.analysis.runs) {
      const step = facts.step;
      if (step.onbuild) continue;
      const before = stepsBefore(step);
      const ordered = [...facts.uses].sort((a, b) => rank(a) - rank(b));
      for (const u of ordered) {
        if (u.kind === "none") continue;
        const hit = installCopy(before, step, u, files);
        if (hit === undefined) continue;
        const { copy, broad, prefix, sub, inside } = hit;
        if (u.kind === "free") {
          out.push(
            finding(
              this,
              step,
              `\`${installLabel(u)}\` needs nothing from the build context but runs after ${where(copy, step)}: any source change re-runs it; move it above the COPY`,
            ),
          );
          break;
        }
        // a source folder copied into the project: where its manifests sit in the context is unknown
        const manifests = manifestsOf(u, inside ? undefined : files, prefix, sub);
        if (manifests === undefined) continue;
        if (u.kind === "compile" || u.kind === "project") {
          if (depsInstalledBefore(before, u, runsOf)) continue;
          if (u.kind === "compile" && downloadsCached(step, u)) continue;
          // go with no go.sum has no module to download
          if (u.tool === "go" && files !== undefined && !manifests.names.some((n) => n.endsWith("go.sum")))
            continue;
        }
        const early = before
          .slice(0, before.indexOf(copy))
          .some(
            (s) =>
              s.kind === "copy" &&
              s.from === undefined &&
              s.sources.length > 0 &&
              s.sources.every(isManifestName),
          );
        const label = installLabel(u);
        const how =
          u.kind === "compile"
            ? `it downloads every dependency again on any source change: ${copyLine(manifests, copy, prefix, inside)} and install the dependencies before that COPY (or keep the download cache on a cache mount)`
            : u.kind === "project"
              ? `any source change re-installs every dependency: ${copyLine(manifests, copy, prefix, inside)} and install the dependencies only before that COPY, then install the project after it`
              : early
                ? "the manifests are copied first, but the install still runs after the full COPY: move it between the two COPYs"
                : `any source change re-installs every dependency: ${copyLine(manifests, copy, prefix, inside)} and run it before that COPY`;
        const edits = copyBeforeInstallFix(ctx, { step, use: u, copy, prefix, sub, manifests, broad, early });
        out.push(finding(this, step, `\`${label}\` runs after ${where(copy, step)}, so ${how}`, edits));
        break;
      }
    }
    return out;
  },
};

/** manifest installs first: they are the finding; a context-free one only when alone */
function rank(u: ToolUse): number {
  return u.kind === "deps" ? 0 : u.kind === "project" ? 1 : u.kind === "compile" ? 2 : 3;
}
