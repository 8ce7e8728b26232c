/**
 * Per-ecosystem recognisers (pip/uv, conda, cargo, go, maven, gradle, dotnet, node): each
 * says whether a command installs, what it downloads and which manifests it reads.
 */
import type { Command } from "./shell-commands.js";
import type { Word } from "./shell-words.js";
import {
  isLocalPath,
  optionValues,
  split,
  use,
  type InstallKind,
  type Tool,
  type ToolUse,
} from "./package-tool-use.js";

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

export function classifyPip(command: Command, args: Word[], tool: Tool): ToolUse | undefined {
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

export function classifyConda(command: Command, args: Word[]): ToolUse | undefined {
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

export const CARGO_QUIET = new Set([
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

export function classifyCargo(command: Command): ToolUse | undefined {
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

export function classifyGo(command: Command): ToolUse | undefined {
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

export function classifyMaven(command: Command, args: Word[]): ToolUse {
  const goals = args.map((a) => a.value).filter((v) => !v.startsWith("-"));
  const offline = goals.length > 0 && goals.every((g) => /^dependency:/.test(g) || g.includes(":go-offline"));
  const build = goals.some((g) =>
    /^(compile|package|install|verify|test|deploy|spring-boot:|quarkus:|jib:)/.test(g),
  );
  const kind: InstallKind = offline ? "deps" : build ? "compile" : goals.length > 0 ? "compile" : "none";
  return use("maven", goals.join(" "), command, args, kind);
}

export function classifyGradle(command: Command, args: Word[]): ToolUse {
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

export function classifyDotnet(command: Command): ToolUse | undefined {
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

export function classifyNode(
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
