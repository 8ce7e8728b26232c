/**
 * Which earlier COPY/ADD of the build context re-runs an install: one of the whole context
 * (`COPY . .`, `ADD . /app`), or of a folder of sources inside the project the install works
 * on (`COPY src ./src` before `npm ci` in the same folder). COPYs of manifests only do not.
 */
import type { CopyStep, RunStep, Step } from "./dockerfile-model.js";
import { isManifestName } from "./install-manifests.js";
import { normalizePath } from "./mounts.js";
import type { ToolUse } from "./package-commands.js";
import { expand } from "./variables.js";

const BROAD = /^(\.|\.\/|\.\/\.|\*|\.\/\*|\.\/\.\*)$/;

/** folders that hold what an install needs, not sources (`COPY prisma ./prisma` before npm ci) */
const INPUT_FOLDERS =
  /^(requirements|reqs|deps|\.yarn|\.mvn|gradle|patches|prisma|\.cargo|\.config|nuget|\.nuget|wheels|vendor\/cache)$/i;
const PLAIN_FILES =
  /^(Gemfile|Pipfile|Makefile|Dockerfile|LICENSE|README|Procfile|Rakefile|gradlew|mvnw|Jenkinsfile|VERSION|Caddyfile|Justfile|NOTICE|AUTHORS)$/;

export interface InstallCopy {
  copy: CopyStep;
  broad: boolean;
  /** the copied folder in the context ("" = its root, else "src/") */
  prefix: string;
  /** the install's project folder below the copied one ("" or "sub/") */
  sub: string;
  /** a source folder copied into the project (`COPY src ./src`), not the project itself */
  inside: boolean;
}

function resolve(dir: string, p: string): string {
  return normalizePath(p.startsWith("/") ? p : `${dir}/${p}`);
}

function under(child: string, parent: string): boolean {
  return parent === "/" || child === parent || child.startsWith(`${parent}/`);
}

/** a COPY source as a context path: `./src/`, `/src/` → `src` */
export function contextPath(source: string): string {
  return source.replace(/^(\.?\/)+/, "").replace(/\/+$/, "");
}

function isFolder(source: string, files: readonly string[] | undefined): boolean {
  if (/[*?[$]/.test(source) || source.includes("://")) return false;
  const clean = contextPath(source);
  if (clean === "" || clean.startsWith("..")) return false;
  if (isManifestName(clean)) return false;
  const base = clean.split("/").pop() ?? "";
  if (INPUT_FOLDERS.test(base) || INPUT_FOLDERS.test(clean)) return false;
  if (files !== undefined) {
    if (files.some((f) => f.startsWith(`${clean}/`))) return true;
    // the listing goes two levels down: a top-level entry without children is a file
    if (files.includes(clean) && !clean.includes("/")) return false;
  }
  if (source.endsWith("/")) return true;
  return !base.includes(".") && !PLAIN_FILES.test(base);
}

/** where the install works: WORKDIR, a `cd` before it in the RUN, the tool's folder option */
export function projectDir(step: RunStep, use: ToolUse): string {
  let dir = step.workdir;
  for (const c of step.commands) {
    if (c === use.command) break;
    if (c.name === "cd" && c.args[0] !== undefined && c.group === use.command.group) {
      const target = expand(c.args[0].value, step.scope);
      if (target.startsWith("/") || !target.includes("$")) dir = resolve(dir, target);
    }
  }
  const opts = use.options.map((o) => o.value);
  const flags: Record<string, string[]> = {
    npm: ["--prefix"],
    yarn: ["--cwd"],
    pnpm: ["-C", "--dir"],
    poetry: ["-C", "--directory"],
    gradle: ["-p", "--project-dir"],
  };
  for (const f of flags[use.tool] ?? []) {
    const i = opts.indexOf(f);
    const v = i === -1 ? opts.find((o) => o.startsWith(`${f}=`))?.slice(f.length + 1) : opts[i + 1];
    if (v !== undefined && !v.includes("$")) return resolve(dir, v);
  }
  return dir;
}

export function installCopy(
  before: Step[],
  step: RunStep,
  use: ToolUse,
  files: readonly string[] | undefined,
): InstallCopy | undefined {
  const project = projectDir(step, use);
  for (const s of before) {
    if (s.kind !== "copy" || s.from !== undefined || s.dest === "") continue;
    const dest = resolve(s.workdir, s.dest);
    for (const src of s.sources) {
      const broad = BROAD.test(src.trim());
      if (!broad && !isFolder(src, files)) continue;
      // `COPY src ./src` lands in dest; `COPY src/ /app/` too: the folder's contents go there
      // a folder copied into the project tree (or the project folder itself); an install that
      // needs nothing from the context only counts folders copied below its WORKDIR. At / every
      // path is "below": a toolchain copied to /usr/local is not the project's sources.
      if (!broad) {
        const inTree = project === "/" ? dest === "/" : under(dest, project);
        if (use.kind === "free" ? !inTree || dest === project : !inTree && !under(project, dest)) continue;
      }
      // a source folder inside the project (`COPY src ./src`): the manifests sit beside it,
      // taken to be at the context's root
      const inside = !broad && !under(project, dest);
      const prefix = broad || inside ? "" : `${contextPath(src)}/`;
      const sub =
        under(project, dest) && project !== dest
          ? `${project.slice(dest === "/" ? 1 : dest.length + 1)}/`
          : "";
      return { copy: s, broad, prefix, sub, inside };
    }
  }
  return undefined;
}
