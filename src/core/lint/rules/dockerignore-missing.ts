import { isBroadCopy } from "../context-copies.js";
import { finding, type Rule } from "../rule.js";
import type { Finding } from "../finding-types.js";

const HEAVY = [
  "node_modules",
  ".git",
  ".venv",
  "venv",
  "__pycache__",
  "target",
  "dist",
  "build",
  ".next",
  ".env",
  ".terraform",
];

export const dockerignoreMissing: Rule = {
  id: "dockerignore-missing",
  severity: "warning",
  summary: "the whole context is copied and there is no .dockerignore",
  explain: `\`COPY . .\` sends and copies everything in the build context: .git, node_modules, virtual
environments, build output, local .env files. Any change to any of them — a git fetch, an
editor's swap file — invalidates the COPY and every step after it, makes the context upload
slow, and can leak secrets into the image. A .dockerignore at the context root (or a
Dockerfile-specific <Dockerfile>.dockerignore next to the Dockerfile) keeps them out:

  .git
  node_modules
  .venv
  **/__pycache__
  .env

Fires when the Dockerfile copies the whole context (COPY/ADD of ".", "./", "*") and the
context has no .dockerignore. It needs to know the context, so it runs in project mode and
when linting a Dockerfile on disk (its directory is taken as the context).`,
  check(ctx) {
    const files = ctx.options.contextFiles;
    if (files === undefined || files.includes(".dockerignore")) return [];
    const broad = ctx.analysis.steps.find(isBroadCopy);
    if (broad === undefined) return [];
    const heavy = HEAVY.filter((h) => files.includes(h));
    const note = heavy.length > 0 ? ` (it would copy ${heavy.join(", ")})` : "";
    const out: Finding[] = [
      finding(
        this,
        broad,
        `the build context has no .dockerignore and this ${broad.keyword} copies all of it${note}`,
      ),
    ];
    return out;
  },
};
