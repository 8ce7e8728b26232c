/**
 * Recognises package-manager commands: which tool, which action, and whether the command
 * installs what the build context's manifests list (`npm ci`, `pip install -r …`).
 */
import type { Command } from "./shell-commands.js";
import type { Word } from "./shell-words.js";

export type Tool =
  | "apt"
  | "apk"
  | "pip"
  | "uv"
  | "poetry"
  | "pipenv"
  | "conda"
  | "npm"
  | "yarn"
  | "pnpm"
  | "bun"
  | "nvm"
  | "go"
  | "cargo"
  | "maven"
  | "gradle"
  | "gem"
  | "composer"
  | "dotnet"
  | "other";

/**
 * What an install needs from the build context: `deps` only the manifests (npm ci, pip -r),
 * `project` the manifests and the project's sources (pip install -e ., poetry install), `compile`
 * the sources, downloading dependencies on the way (go build, cargo build, mvn package),
 * `free` nothing at all (apt-get install curl, npm install -g x), `none` not an install.
 */
export type InstallKind = "deps" | "project" | "compile" | "free" | "none";

export interface ToolUse {
  tool: Tool;
  /** the subcommand ("install", "update", "mod download", "sync", …) */
  action: string;
  command: Command;
  /** non-option words after the action */
  operands: string[];
  /** installs what the context's manifest/lock files list */
  fromManifest: boolean;
  /** downloads packages (so a cache helps) */
  downloads: boolean;
  /** option words (values included) */
  options: Word[];
  kind: InstallKind;
  /** manifest paths named on the command line (`-r req/prod.txt`, `-f environment.yml`) */
  named: string[];
}

/** options that take a separate value word, per tool */
const VALUE_OPTIONS: Partial<Record<Tool, Set<string>>> = {
  apt: new Set(["-o", "-t", "-c", "--option", "--target-release", "--config-file"]),
  apk: new Set(["-t", "--virtual", "-X", "--repository", "-p", "--root"]),
  pip: new Set([
    "-r",
    "--requirement",
    "-c",
    "--constraint",
    "-i",
    "--index-url",
    "--extra-index-url",
    "--cache-dir",
    "-t",
    "--target",
    "--prefix",
    "-f",
    "--find-links",
    "-e",
    "--editable",
  ]),
  uv: new Set([
    "-r",
    "--requirement",
    "-c",
    "--constraint",
    "--cache-dir",
    "-p",
    "--python",
    "--index-url",
    "--extra-index-url",
    "--group",
    "--extra",
    "--package",
  ]),
  npm: new Set([
    "--cache",
    "--prefix",
    "--registry",
    "-w",
    "--workspace",
    "--omit",
    "--include",
    "--loglevel",
    "--userconfig",
    "--globalconfig",
    "--tag",
    "--install-strategy",
    "--before",
    "--otp",
  ]),
  yarn: new Set(["--cache-folder", "--modules-folder", "--cwd", "--network-timeout"]),
  pnpm: new Set(["--store-dir", "--filter", "-F", "-C", "--dir", "--prod"]),
  conda: new Set(["-n", "--name", "-p", "--prefix", "-f", "--file", "-c", "--channel"]),
  gem: new Set(["--path", "--gemfile", "--jobs", "-j", "--retry", "--without", "--with", "-v", "--version"]),
  dotnet: new Set([
    "-c",
    "--configuration",
    "-o",
    "--output",
    "-r",
    "--runtime",
    "-f",
    "--framework",
    "-s",
    "--source",
  ]),
  poetry: new Set(["--only", "--with", "--without", "-E", "--extras", "-C", "--directory"]),
  go: new Set(["-o", "-C", "-tags", "-ldflags", "-gcflags", "-mod", "-modfile", "-p"]),
  cargo: new Set([
    "--target",
    "-p",
    "--package",
    "--bin",
    "--features",
    "-F",
    "--profile",
    "--manifest-path",
    "--recipe-path",
    "-j",
    "--jobs",
    "--target-dir",
    "--path",
    "--root",
    "--version",
    "--git",
    "--branch",
    "--tag",
    "--rev",
  ]),
};

function split(tool: Tool, args: Word[]): { positional: Word[]; options: Word[] } {
  const positional: Word[] = [];
  const options: Word[] = [];
  const takes = VALUE_OPTIONS[tool];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.value.startsWith("-") && a.value.length > 1) {
      options.push(a);
      if (takes?.has(a.value) && args[i + 1]) options.push(args[++i]);
    } else positional.push(a);
  }
  return { positional, options };
}

function use(
  tool: Tool,
  action: string,
  command: Command,
  rest: Word[],
  kind: InstallKind,
  named: string[] = [],
): ToolUse {
  const { positional, options } = split(tool, rest);
  return {
    tool,
    action,
    command,
    operands: positional.map((w) => w.value),
    options,
    fromManifest: kind === "deps" || kind === "project",
    downloads: kind !== "none",
    kind,
    named,
  };
}

const APT_DOWNLOADS = new Set([
  "update",
  "install",
  "upgrade",
  "dist-upgrade",
  "full-upgrade",
  "build-dep",
  "reinstall",
  "source",
]);
const NPM_INSTALL = new Set([
  "install",
  "i",
  "ci",
  "add",
  "isntall",
  "install-clean",
  "clean-install",
  "ic",
  "install-ci-test",
  "in",
  "update",
  "up",
]);

/** the value of `-x v`, `-xv`, `--long v` or `--long=v` options, in order */
function optionValues(words: Word[], short: string[], long: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const v = words[i].value;
    if (short.includes(v) || long.includes(v)) {
      if (words[i + 1]) out.push(words[++i].value);
    } else {
      const l = long.find((n) => v.startsWith(`${n}=`));
      if (l !== undefined) out.push(v.slice(l.length + 1));
      else {
        const s = short.find((n) => v.startsWith(n) && v.length > n.length && !v.startsWith("--"));
        if (s !== undefined) out.push(v.slice(s.length));
      }
    }
  }
  return out;
}

function isLocalPath(o: string): boolean {
  return o === "." || o.startsWith("./") || o.startsWith(".[") || o.startsWith("/") || o.startsWith("../");
}

function classifyPip(command: Command, args: Word[], tool: Tool): ToolUse | undefined {
  const { positional } = split(tool, args);
  const action = positional[0]?.value;
  if (action !== "install" && action !== "download" && action !== "wheel" && action !== "sync")
    return undefined;
  const rest = args.slice(args.indexOf(positional[0]) + 1);
  const requirements = optionValues(rest, ["-r"], ["--requirement"]);
  const constraints = optionValues(rest, ["-c"], ["--constraint"]);
  const editable = optionValues(rest, ["-e"], ["--editable"]);
  const u = use(tool, action, command, rest, "free");
  const archive = (o: string): boolean => /\.(whl|tar\.gz|zip)$/.test(o) || o.endsWith("*");
  const local = [...editable, ...u.operands].filter((o) => isLocalPath(o) && !archive(o));
  const files = u.operands.some(archive);
  u.kind =
    local.length > 0
      ? "project"
      : requirements.length > 0 || action === "sync"
        ? "deps"
        : u.operands.length > 0 && !files
          ? "free"
          : "none";
  if (u.kind === "none") u.downloads = files;
  u.fromManifest = u.kind === "deps" || u.kind === "project";
  u.named = [...requirements, ...constraints];
  return u;
}

function classifyConda(command: Command, args: Word[]): ToolUse | undefined {
  const { positional } = split("conda", args);
  const a0 = positional[0]?.value ?? "";
  const envSub = a0 === "env" ? (positional[1]?.value ?? "") : "";
  const action = envSub === "" ? a0 : `env ${envSub}`;
  if (!["install", "create", "update", "env create", "env update"].includes(action)) return undefined;
  const at = envSub === "" ? positional[0] : positional[1];
  const rest = args.slice(args.indexOf(at) + 1);
  const files = optionValues(rest, ["-f"], ["--file"]);
  const fromFile = files.length > 0 || action.startsWith("env ");
  const u = use("conda", action, command, rest, fromFile ? "deps" : "free", files);
  if (!fromFile && u.operands.length === 0 && action !== "update") u.downloads = false;
  return u;
}

const CARGO_QUIET = new Set([
  "fmt",
  "new",
  "init",
  "clean",
  "version",
  "help",
  "search",
  "login",
  "locate-project",
  "metadata",
  "pkgid",
  "tree",
  "verify-project",
  "vendor",
  "",
]);

function classifyCargo(command: Command): ToolUse | undefined {
  const args = command.args;
  const { positional } = split("cargo", args);
  let action = positional[0]?.value ?? "";
  if (action.startsWith("+")) action = positional[1]?.value ?? "";
  let at = positional.findIndex((w) => w.value === action);
  let rest = args.slice(args.indexOf(positional[at]) + 1);
  if (CARGO_QUIET.has(action)) return undefined;
  if (action === "chef" || action === "auditable" || action === "leptos") {
    const sub = positional[at + 1]?.value ?? "";
    rest = args.slice(args.indexOf(positional[at + 1]) + 1);
    at++;
    if (action === "chef") {
      if (sub !== "cook") return undefined;
      return use("cargo", "chef cook", command, rest, "deps", optionValues(rest, [], ["--recipe-path"]));
    }
    action = `${action} ${sub}`;
  }
  if (action === "fetch") return use("cargo", action, command, rest, "deps");
  if (action === "install") {
    const u = use("cargo", action, command, rest, "free");
    const local = optionValues(rest, [], ["--path"]).length > 0 || u.operands.length === 0;
    u.kind = local ? "compile" : "free";
    return u;
  }
  // --offline/--frozen: every crate is in the image already, nothing is downloaded
  const offline = rest.some((w) => w.value === "--offline" || w.value === "--frozen");
  return use("cargo", action, command, rest, offline ? "none" : "compile");
}

function classifyGo(command: Command): ToolUse | undefined {
  const args = command.args;
  const { positional } = split("go", args);
  const action = positional[0]?.value ?? "";
  const rest = positional[0] === undefined ? [] : args.slice(args.indexOf(positional[0]) + 1);
  if (action === "mod") {
    const sub = rest.find((w) => !w.value.startsWith("-"))?.value;
    if (sub === "download" || sub === "tidy")
      return use(
        "go",
        "mod download",
        command,
        rest.slice(rest.findIndex((w) => w.value === sub) + 1),
        "deps",
      );
    return undefined;
  }
  if (action === "install" || action === "get" || action === "run") {
    const ops = split("go", rest).positional.map((w) => w.value);
    // `go install pkg@version` builds a published module: nothing from the context
    if (ops.length > 0 && ops.every((o) => o.includes("@"))) return use("go", action, command, rest, "free");
    if (action === "get") return use("go", action, command, rest, ops.length === 0 ? "deps" : "free");
  }
  if (["build", "install", "test", "run", "vet", "generate"].includes(action))
    return use("go", action, command, rest, "compile");
  return undefined;
}

function classifyMaven(command: Command, args: Word[]): ToolUse {
  const goals = args.map((a) => a.value).filter((v) => !v.startsWith("-"));
  const offline = goals.length > 0 && goals.every((g) => /^dependency:/.test(g) || g.includes(":go-offline"));
  const build = goals.some((g) =>
    /^(compile|package|install|verify|test|deploy|spring-boot:|quarkus:|jib:)/.test(g),
  );
  const kind: InstallKind = offline ? "deps" : build ? "compile" : goals.length > 0 ? "compile" : "none";
  return use("maven", goals.join(" "), command, args, kind);
}

function classifyGradle(command: Command, args: Word[]): ToolUse {
  const tasks = args.map((a) => a.value).filter((v) => !v.startsWith("-"));
  const versionOnly = tasks.length === 0;
  const deps =
    tasks.length > 0 &&
    tasks.every(
      (t) =>
        /^(dependencies|resolveDependencies|downloadDependencies|help)$/.test(t) ||
        t === "--refresh-dependencies",
    );
  return use("gradle", tasks.join(" "), command, args, versionOnly ? "none" : deps ? "deps" : "compile");
}

function classifyDotnet(command: Command): ToolUse | undefined {
  const args = command.args;
  const { positional } = split("dotnet", args);
  const action = positional[0]?.value ?? "";
  const rest = positional[0] === undefined ? [] : args.slice(args.indexOf(positional[0]) + 1);
  const projects = split("dotnet", rest)
    .positional.map((w) => w.value)
    .filter((o) => /\.((cs|fs|vb)proj|slnx?)$/.test(o));
  if (action === "restore") return use("dotnet", action, command, rest, "deps", projects);
  if (["build", "publish", "test", "pack", "run"].includes(action)) {
    const noRestore = rest.some((w) => w.value === "--no-restore");
    return use("dotnet", action, command, rest, noRestore ? "none" : "compile");
  }
  if (action === "tool" && positional[1]?.value === "install")
    return use("dotnet", "tool install", command, rest.slice(1), "free");
  return undefined;
}

function classifyNode(
  name: "npm" | "yarn" | "pnpm" | "bun",
  command: Command,
  first: (t: Tool) => { action: string; rest: Word[] },
): ToolUse | undefined {
  if (name === "npm") {
    const { action, rest } = first("npm");
    if (!NPM_INSTALL.has(action)) return undefined;
    const u = use("npm", action, command, rest, "free");
    const global = u.options.some((o) => o.value === "-g" || o.value === "--global");
    const manifest =
      !global &&
      (action === "ci" ||
        action === "install-clean" ||
        action === "clean-install" ||
        action === "ic" ||
        u.operands.length === 0);
    u.kind = global ? "free" : manifest ? "deps" : u.operands.some(isLocalPath) ? "project" : "free";
    u.fromManifest = manifest;
    return u;
  }
  if (name === "yarn") {
    const { action, rest } = first("yarn");
    if (action === "" || action === "install") return use("yarn", "install", command, rest, "deps");
    if (action === "workspaces" && rest[0]?.value === "focus")
      return use("yarn", "workspaces focus", command, rest.slice(1), "deps");
    if (action === "add" || (action === "global" && rest[0]?.value === "add")) {
      const u = use("yarn", "add", command, rest, "free");
      if (action === "add") u.kind = "free";
      return u;
    }
    return undefined;
  }
  if (name === "pnpm") {
    const { action, rest } = first("pnpm");
    if (action === "install" || action === "i" || action === "fetch")
      return use(
        "pnpm",
        action,
        command,
        rest,
        split("pnpm", rest).positional.length === 0 ? "deps" : "free",
      );
    if (action === "add") return use("pnpm", action, command, rest, "free");
    return undefined;
  }
  const { action, rest } = first("bun");
  if (action === "install" || action === "i") {
    const global = rest.some((w) => w.value === "-g" || w.value === "--global");
    return use(
      "bun",
      action,
      command,
      rest,
      !global && split("bun", rest).positional.length === 0 ? "deps" : "free",
    );
  }
  if (action === "add") return use("bun", action, command, rest, "free");
  return undefined;
}

export function classify(command: Command): ToolUse | undefined {
  const { name, args } = command;
  const first = (tool: Tool): { action: string; rest: Word[] } => {
    const { positional } = split(tool, args);
    const w = positional[0];
    return { action: w?.value ?? "", rest: w === undefined ? [] : args.slice(args.indexOf(w) + 1) };
  };
  if (name === "apt-get" || name === "apt" || name === "aptitude") {
    const { action, rest } = first("apt");
    const u = use("apt", action, command, rest, APT_DOWNLOADS.has(action) ? "free" : "none");
    return u;
  }
  if (name === "apk") {
    const { action, rest } = first("apk");
    const dl = action === "add" || action === "upgrade" || action === "update" || action === "fetch";
    return use("apk", action, command, rest, dl ? "free" : "none");
  }
  if (/^pip\d*(\.\d+)?$/.test(name)) return classifyPip(command, args, "pip");
  if (/^python\d*(\.\d+)?$/.test(name)) {
    const m = args.findIndex((a) => a.value === "-m");
    if (m !== -1 && args[m + 1]?.value === "pip") return classifyPip(command, args.slice(m + 2), "pip");
    return undefined;
  }
  if (name === "uv") {
    const { action, rest } = first("uv");
    if (action === "pip") return classifyPip(command, rest, "uv");
    if (action === "sync") {
      const noProject = rest.some((w) => w.value === "--no-install-project" || w.value === "--only-deps");
      return use("uv", action, command, rest, noProject ? "deps" : "project");
    }
    if (action === "add") return use("uv", action, command, rest, "free");
    if (action === "tool" && rest[0]?.value === "install")
      return use("uv", "tool install", command, rest.slice(1), "free");
    return undefined;
  }
  if (name === "poetry") {
    const { action, rest } = first("poetry");
    if (action !== "install" && action !== "sync") return undefined;
    const noRoot = rest.some((w) => w.value === "--no-root");
    return use("poetry", action, command, rest, noRoot ? "deps" : "project");
  }
  if (name === "pipenv") {
    const { action, rest } = first("other");
    if (action !== "install" && action !== "sync") return undefined;
    return use(
      "pipenv",
      action,
      command,
      rest,
      split("other", rest).positional.length === 0 ? "deps" : "free",
    );
  }
  if (name === "conda" || name === "mamba" || name === "micromamba") return classifyConda(command, args);
  if (name === "npm" || name === "yarn" || name === "pnpm" || name === "bun")
    return classifyNode(name, command, first);
  if (name === "nvm") {
    const { action, rest } = first("other");
    if (action !== "install") return undefined;
    return use(
      "nvm",
      action,
      command,
      rest,
      rest.length === 0 ? "deps" : "free",
      rest.length === 0 ? [".nvmrc"] : [],
    );
  }
  if (name === "go") return classifyGo(command);
  if (name === "cargo") return classifyCargo(command);
  if (name === "mvn" || name === "mvnw") return classifyMaven(command, args);
  if (name === "gradle" || name === "gradlew") return classifyGradle(command, args);
  if (name === "dotnet") return classifyDotnet(command);
  if (name === "bundle" || name === "bundler") {
    const { action, rest } = first("gem");
    if (action === "install" || action === "" || action === "update")
      return use("gem", `bundle ${action || "install"}`, command, rest, "deps");
    return undefined;
  }
  if (name === "gem") {
    const { action, rest } = first("gem");
    if (action !== "install") return undefined;
    const u = use("gem", "gem install", command, rest, "free");
    if (u.operands.some((o) => o.endsWith(".gem") || o.endsWith(".gemspec"))) u.kind = "project";
    u.fromManifest = u.kind === "project";
    return u;
  }
  if (name === "composer") {
    const { action, rest } = first("other");
    if (action === "install" || action === "i") return use("composer", "install", command, rest, "deps");
    if (action === "require" || (action === "global" && rest[0]?.value === "require"))
      return use("composer", action, command, rest, "free");
    return undefined;
  }
  return undefined;
}
