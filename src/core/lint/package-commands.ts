/**
 * Recognises package-manager commands: which tool, which action, and whether the command
 * installs what the build context's manifests list (`npm ci`, `pip install -r …`).
 */
import type { Command } from "./shell-commands.js";
import type { Word } from "./shell-words.js";

export type Tool =
  "apt" | "apk" | "pip" | "uv" | "npm" | "yarn" | "pnpm" | "go" | "cargo" | "maven" | "gradle" | "other";

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
  npm: new Set(["--cache", "--prefix", "--registry", "-w", "--workspace", "--omit", "--include"]),
  yarn: new Set(["--cache-folder", "--modules-folder", "--cwd", "--network-timeout"]),
  pnpm: new Set(["--store-dir", "--filter", "-F", "-C", "--dir", "--prod"]),
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
  fromManifest: boolean,
  downloads: boolean,
): ToolUse {
  const { positional, options } = split(tool, rest);
  return {
    tool,
    action,
    command,
    operands: positional.map((w) => w.value),
    options,
    fromManifest,
    downloads,
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
  "install-ci-test",
  "in",
  "update",
  "up",
]);

function classifyPip(command: Command, args: Word[], tool: Tool): ToolUse | undefined {
  const { positional } = split(tool, args);
  const action = positional[0]?.value;
  if (action !== "install" && action !== "download" && action !== "wheel" && action !== "sync")
    return undefined;
  const rest = args.slice(args.indexOf(positional[0]) + 1);
  const u = use(tool, action, command, rest, false, true);
  const opts = u.options.map((o) => o.value);
  u.fromManifest =
    opts.some((o) => /^(-r|--requirement|-e|--editable)(=|$)/.test(o) || /^-r./.test(o)) ||
    u.operands.some((o) => o === "." || o.startsWith("./") || o.startsWith(".["));
  if (action === "sync") u.fromManifest = true;
  return u;
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
    return use("apt", action, command, rest, false, APT_DOWNLOADS.has(action));
  }
  if (name === "apk") {
    const { action, rest } = first("apk");
    return use(
      "apk",
      action,
      command,
      rest,
      false,
      action === "add" || action === "upgrade" || action === "update" || action === "fetch",
    );
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
    if (action === "sync" || action === "add")
      return use("uv", action, command, rest, action === "sync", true);
    if (action === "tool" && rest[0]?.value === "install")
      return use("uv", "tool install", command, rest.slice(1), false, true);
    return undefined;
  }
  if (name === "npm") {
    const { action, rest } = first("npm");
    if (!NPM_INSTALL.has(action)) return undefined;
    const u = use("npm", action, command, rest, false, true);
    const global = u.options.some((o) => o.value === "-g" || o.value === "--global");
    u.fromManifest = !global && (action === "ci" || action === "install-clean" || u.operands.length === 0);
    return u;
  }
  if (name === "yarn") {
    const { action, rest } = first("yarn");
    if (action === "" || action === "install") return use("yarn", "install", command, rest, true, true);
    if (action === "add" || (action === "global" && rest[0]?.value === "add"))
      return use("yarn", "add", command, rest, false, true);
    return undefined;
  }
  if (name === "pnpm") {
    const { action, rest } = first("pnpm");
    if (action === "install" || action === "i" || action === "fetch")
      return use("pnpm", action, command, rest, split("pnpm", rest).positional.length === 0, true);
    if (action === "add") return use("pnpm", action, command, rest, false, true);
    return undefined;
  }
  if (name === "go") {
    const { action, rest } = first("other");
    if (action === "mod" && (rest[0]?.value === "download" || rest[0]?.value === "tidy"))
      return use("go", "mod download", command, rest.slice(1), true, true);
    if (["build", "install", "test", "run", "vet", "generate"].includes(action))
      return use("go", action, command, rest, false, true);
    if (action === "get") return use("go", action, command, rest, false, true);
    return undefined;
  }
  if (name === "cargo") {
    const { action, rest } = first("other");
    if (
      ["build", "install", "fetch", "test", "run", "check", "clippy", "doc", "b", "t", "r"].includes(action)
    )
      return use("cargo", action, command, rest, action === "fetch", true);
    return undefined;
  }
  if (name === "mvn" || name === "mvnw") {
    const goals = args.map((a) => a.value).filter((v) => !v.startsWith("-"));
    const offline = goals.some((g) => /^dependency:(go-offline|resolve)/.test(g));
    return use("maven", goals.join(" "), command, args, offline, goals.length > 0);
  }
  if (name === "gradle" || name === "gradlew") {
    const tasks = args.map((a) => a.value).filter((v) => !v.startsWith("-"));
    const versionOnly = tasks.length === 0 && args.some((a) => a.value === "--version" || a.value === "-v");
    return use("gradle", tasks.join(" "), command, args, tasks.includes("dependencies"), !versionOnly);
  }
  if (name === "bundle" || name === "composer" || name === "poetry" || name === "pipenv") {
    const { action, rest } = first("other");
    if (action === "install" || action === "sync")
      return use("other", `${name} ${action}`, command, rest, true, true);
    return undefined;
  }
  return undefined;
}
