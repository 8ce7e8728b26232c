import { contextHas, isBroadCopy, manifestPattern, namesManifest } from "../context-copies.js";
import { stepsBefore, type CopyStep } from "../dockerfile-model.js";
import type { ToolUse } from "../package-commands.js";
import { finding, type Rule } from "../rule.js";
import type { Finding } from "../types.js";

/** installs that need nothing from the context: they belong above any COPY of it */
function contextFree(u: ToolUse): boolean {
  if (!u.downloads || u.fromManifest) return false;
  const local = u.operands.some(
    (o) => o.startsWith(".") || o.startsWith("/") || o.includes(".whl") || o.endsWith(".deb"),
  );
  if (local) return false;
  if (u.tool === "apt" || u.tool === "apk") return true;
  if (u.tool === "uv" && u.action === "tool install") return true;
  if (u.tool === "pip" || u.tool === "uv")
    return u.operands.length > 0 && !u.options.some((o) => /^(-r|--requirement|-e|--editable)/.test(o.value));
  if (u.tool === "npm") return u.options.some((o) => o.value === "-g" || o.value === "--global");
  if (u.tool === "yarn") return u.action === "add" && u.command.args.some((a) => a.value === "global");
  return false;
}

export const copyBeforeInstall: Rule = {
  id: "copy-before-install",
  severity: "warning",
  summary: "a COPY of the whole context before a dependency install in the same stage",
  explain: `Every instruction after \`COPY . .\` re-runs whenever any file of the context changes. A
dependency install placed after it re-downloads and re-installs everything on each code edit.
Copy only the manifests first, install, then copy the rest:

  COPY package.json package-lock.json ./
  RUN --mount=type=cache,target=/root/.npm npm ci
  COPY . .

(or bind-mount the manifests into the install RUN). Fires on an install from manifests (npm
ci/install, yarn, pnpm install, pip install -r/., uv sync, go mod download, cargo fetch, mvn
dependency:go-offline, bundle/composer/poetry install) that comes after a COPY/ADD of the
whole context in the same image (parent stages included), and on installs that need nothing
from the context at all (apt-get install, apk add, pip install <name>, npm install -g) placed
after such a COPY — move those above it. Compile steps (go build, cargo build, mvn package)
need the sources and do not fire. When kiln knows the context and it has no manifest for the
tool, the rule stays silent. Not auto-fixed: moving instructions changes what the build sees.`,
  check(ctx) {
    const out: Finding[] = [];
    const files = ctx.options.contextFiles;
    for (const facts of ctx.analysis.runs) {
      if (facts.step.onbuild) continue;
      const before = stepsBefore(facts.step);
      const broad: CopyStep | undefined = before.find(isBroadCopy);
      if (broad === undefined) continue;
      for (const u of facts.uses) {
        if (u.fromManifest) {
          const pattern = manifestPattern(u);
          if (files !== undefined && !contextHas(files, pattern)) continue;
          const early = before
            .slice(0, before.indexOf(broad))
            .some(
              (s) =>
                s.kind === "copy" &&
                s.from === undefined &&
                s.sources.some((src) => namesManifest(src, pattern)),
            );
          const how = early
            ? "the manifests are copied first, but the install still runs after the full COPY: move it between the two COPYs"
            : "copy the manifest files first, install, then COPY the rest";
          out.push(
            finding(
              this,
              facts.step,
              `\`${u.command.name} ${u.action}\` runs after \`${broad.keyword} ${broad.sources.join(" ")}\` (line ${broad.line}), so any source change re-installs every dependency: ${how}`,
            ),
          );
          break;
        }
        if (contextFree(u)) {
          out.push(
            finding(
              this,
              facts.step,
              `\`${u.command.name} ${u.action}\` needs nothing from the build context but runs after \`${broad.keyword} ${broad.sources.join(" ")}\` (line ${broad.line}): any source change re-runs it; move it above the COPY`,
            ),
          );
          break;
        }
      }
    }
    return out;
  },
};
