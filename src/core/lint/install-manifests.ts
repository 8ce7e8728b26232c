/**
 * What a dependency install reads from the build context: its ecosystem, the manifest files
 * (found in the context when kiln knows it, the usual names otherwise), and the command that
 * installs only the dependencies (what goes before `COPY . .`).
 */
import type { Tool, ToolUse } from "./package-commands.js";

export type Ecosystem =
  | "node"
  | "python"
  | "conda"
  | "go"
  | "rust"
  | "java-maven"
  | "java-gradle"
  | "ruby"
  | "php"
  | "dotnet"
  | "nvm";

const ECOSYSTEM: Partial<Record<Tool, Ecosystem>> = {
  npm: "node",
  yarn: "node",
  pnpm: "node",
  bun: "node",
  pip: "python",
  uv: "python",
  poetry: "python",
  pipenv: "python",
  conda: "conda",
  go: "go",
  cargo: "rust",
  maven: "java-maven",
  gradle: "java-gradle",
  gem: "ruby",
  composer: "php",
  dotnet: "dotnet",
  nvm: "nvm",
};

export function ecosystemOf(use: ToolUse): Ecosystem | undefined {
  return ECOSYSTEM[use.tool];
}

interface ManifestSpec {
  /** file names (in the project folder) the install reads */
  match: RegExp;
  /** what to name when the context is unknown */
  usual: string[];
}

const NODE_LOCKS = /^(package\.json|\.npmrc)$/;

const SPECS: Partial<Record<Tool, ManifestSpec>> = {
  npm: {
    match: /^(package\.json|package-lock\.json|npm-shrinkwrap\.json|\.npmrc)$/,
    usual: ["package.json", "package-lock.json"],
  },
  yarn: {
    match: /^(package\.json|yarn\.lock|\.yarnrc(\.yml)?|\.npmrc)$/,
    usual: ["package.json", "yarn.lock"],
  },
  pnpm: {
    match: /^(package\.json|pnpm-lock\.yaml|pnpm-workspace\.yaml|\.npmrc)$/,
    usual: ["package.json", "pnpm-lock.yaml"],
  },
  bun: { match: /^(package\.json|bun\.lockb?|bunfig\.toml)$/, usual: ["package.json", "bun.lockb"] },
  pip: {
    match: /^(requirements.*\.(txt|in)|pyproject\.toml|setup\.py|setup\.cfg|constraints.*\.txt)$/,
    usual: ["requirements.txt"],
  },
  uv: { match: /^(pyproject\.toml|uv\.lock|requirements.*\.txt)$/, usual: ["pyproject.toml", "uv.lock"] },
  poetry: {
    match: /^(pyproject\.toml|poetry\.lock|poetry\.toml)$/,
    usual: ["pyproject.toml", "poetry.lock"],
  },
  pipenv: { match: /^(Pipfile|Pipfile\.lock)$/, usual: ["Pipfile", "Pipfile.lock"] },
  conda: { match: /^(environment\.ya?ml|conda-lock\.yml|requirements.*\.txt)$/, usual: ["environment.yml"] },
  nvm: { match: /^\.nvmrc$/, usual: [".nvmrc"] },
  go: { match: /^(go\.mod|go\.sum|go\.work(\.sum)?)$/, usual: ["go.mod", "go.sum"] },
  cargo: { match: /^(Cargo\.toml|Cargo\.lock)$/, usual: ["Cargo.toml", "Cargo.lock"] },
  maven: { match: /^pom\.xml$/, usual: ["pom.xml"] },
  gradle: {
    match: /^(build\.gradle(\.kts)?|settings\.gradle(\.kts)?|gradle\.properties|gradlew)$/,
    usual: ["build.gradle", "settings.gradle"],
  },
  gem: { match: /^(Gemfile|Gemfile\.lock|gems\.rb|gems\.locked)$/, usual: ["Gemfile", "Gemfile.lock"] },
  composer: { match: /^(composer\.json|composer\.lock)$/, usual: ["composer.json", "composer.lock"] },
  dotnet: {
    match:
      /^(.+\.(cs|fs|vb)proj|.+\.sln|nuget\.config|NuGet\.Config|Directory\.(Build|Packages)\.props|global\.json)$/,
    usual: ["*.csproj"],
  },
};

/** the manifest pattern of a tool (pip `.` installs read pyproject.toml/setup.py too) */
export function manifestMatch(tool: Tool): RegExp {
  return SPECS[tool]?.match ?? /^$/;
}

function baseName(p: string): string {
  const parts = p.replace(/\/+$/, "").split("/");
  return parts[parts.length - 1] ?? "";
}

/** any ecosystem's manifest (a COPY of only these does not invalidate an install) */
export function isManifestName(source: string): boolean {
  const name = baseName(source);
  if (NODE_LOCKS.test(name)) return true;
  for (const spec of Object.values(SPECS)) if (spec.match.test(name)) return true;
  if (/[*?[]/.test(name)) {
    const glob = new RegExp(
      `^${name
        .replace(/[.+^${}()|\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".")}$`,
    );
    return Object.values(SPECS).some((spec) => spec.usual.some((u) => glob.test(u) || u === name));
  }
  return false;
}

export interface Manifests {
  /** context paths (relative to the copied folder) to COPY first */
  names: string[];
  /** true when `names` were seen in the context listing (not guessed) */
  found: boolean;
}

/**
 * The manifests `use` reads, relative to the copied folder `prefix` ("" = context root):
 * named on the command line, else the ecosystem's files present there, else the usual names.
 * Undefined when kiln knows the context and it holds none (the install reads nothing from it).
 */
export function manifestsOf(
  use: ToolUse,
  listed: readonly string[] | undefined,
  prefix: string,
  sub: string,
): Manifests | undefined {
  const spec = SPECS[use.tool];
  if (spec === undefined) return undefined;
  const dir = `${prefix}${sub}`;
  let files = listed;
  // the context is listed two levels deep: below that kiln does not know what is there
  if (dir.split("/").filter(Boolean).length >= 2) files = undefined;
  const inDir = (files ?? [])
    .filter((f) => f.startsWith(dir) && !f.slice(dir.length).includes("/"))
    .map((f) => f.slice(prefix.length));
  const named = use.named.filter((n) => !n.startsWith("/") && !n.includes("$"));
  if (named.length > 0) {
    const names = named.map((n) => `${sub}${n.replace(/^\.\//, "")}`);
    const found = files !== undefined && names.every((n) => files.includes(`${prefix}${n}`));
    if (files !== undefined && !found && names.every((n) => n.split("/").length <= 2)) return undefined;
    return { names, found };
  }
  let match = spec.match;
  if (use.tool === "pip" && use.kind === "project") match = /^(pyproject\.toml|setup\.py|setup\.cfg)$/;
  if (files === undefined) {
    const usual = use.tool === "pip" && use.kind === "project" ? ["pyproject.toml"] : spec.usual;
    return { names: usual.map((u) => `${sub}${u}`), found: false };
  }
  const hits = inDir.filter((f) => match.test(baseName(f)));
  const primary = hits.filter((f) => !/(^|\/)\.npmrc$/.test(f));
  if (primary.length === 0) {
    // a .csproj below the folder (src/Api/Api.csproj) still counts for dotnet
    if (use.tool === "dotnet" && files.some((f) => f.startsWith(dir) && spec.match.test(baseName(f))))
      return { names: spec.usual.map((u) => `${sub}${u}`), found: false };
    return undefined;
  }
  return { names: hits, found: true };
}

/** the command that installs only the dependencies, from the original's words */
export function depsOnlyCommand(use: ToolUse, original: string): string | undefined {
  switch (use.kind) {
    case "deps":
      return original;
    case "project":
      if (use.tool === "poetry") return `${original} --no-root`;
      if (use.tool === "uv" && use.action === "sync") return `${original} --no-install-project`;
      return undefined;
    case "compile":
      if (use.tool === "go") return "go mod download";
      if (use.tool === "maven")
        return `${use.command.name === "mvnw" ? use.command.program.value : "mvn"} dependency:go-offline`;
      if (use.tool === "dotnet") return "dotnet restore";
      return undefined;
    default:
      return undefined;
  }
}

/** "npm ci", "poetry install", "go build": how a message names the install */
export function installLabel(use: ToolUse): string {
  const name =
    use.tool === "pip"
      ? "pip"
      : use.command.args[0]?.value === "pip"
        ? `${use.command.name} pip`
        : use.command.name;
  const action = use.action.split(" ").slice(0, 3).join(" ");
  if (action === "") return name;
  return action.startsWith(`${name} `) || action === name ? action : `${name} ${action}`;
}
