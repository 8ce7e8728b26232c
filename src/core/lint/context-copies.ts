/**
 * COPY/ADD of the build context: which ones take the whole context (`COPY . .`), and which
 * manifest files each ecosystem installs from.
 */
import type { CopyStep, Step } from "./dockerfile-model.js";
import type { ToolUse } from "./package-commands.js";

const BROAD = /^(\.|\.\/|\.\/\.|\*|\.\/\*|\.\/\.\*)$/;

export function isBroadCopy(step: Step): step is CopyStep {
  return step.kind === "copy" && step.from === undefined && step.sources.some((s) => BROAD.test(s.trim()));
}

const MANIFESTS: Record<string, RegExp> = {
  npm: /^(package\.json|package-lock\.json|npm-shrinkwrap\.json)$/,
  yarn: /^(package\.json|yarn\.lock|\.yarnrc\.yml)$/,
  pnpm: /^(package\.json|pnpm-lock\.yaml|pnpm-workspace\.yaml)$/,
  pip: /^(requirements.*\.(txt|in)|pyproject\.toml|setup\.py|setup\.cfg|constraints.*\.txt)$/,
  uv: /^(pyproject\.toml|uv\.lock|requirements.*\.txt)$/,
  go: /^(go\.mod|go\.sum)$/,
  cargo: /^(Cargo\.toml|Cargo\.lock)$/,
  maven: /^pom\.xml$/,
  gradle: /^(build\.gradle(\.kts)?|settings\.gradle(\.kts)?|gradle\.properties)$/,
  other: /^(Gemfile(\.lock)?|composer\.(json|lock)|poetry\.lock|pyproject\.toml|Pipfile(\.lock)?)$/,
};

export function manifestPattern(use: ToolUse): RegExp {
  return MANIFESTS[use.tool] ?? MANIFESTS.other;
}

function baseName(p: string): string {
  const parts = p.replace(/\/+$/, "").split("/");
  return parts[parts.length - 1] ?? "";
}

/** true when a source (maybe a glob like `package*.json`) names a manifest of the tool */
export function namesManifest(source: string, pattern: RegExp): boolean {
  const name = baseName(source);
  if (pattern.test(name)) return true;
  if (!/[*?[]/.test(name)) return false;
  const glob = new RegExp(
    `^${name
      .replace(/[.+^${}()|\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
  );
  return [
    "package.json",
    "package-lock.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "requirements.txt",
    "pyproject.toml",
    "go.mod",
    "go.sum",
    "Cargo.toml",
    "Cargo.lock",
    "pom.xml",
    "build.gradle",
    "Gemfile",
    "composer.json",
    "uv.lock",
  ].some((m) => pattern.test(m) && glob.test(m));
}

export function contextHas(files: readonly string[], pattern: RegExp): boolean {
  return files.some((f) => pattern.test(baseName(f)));
}
