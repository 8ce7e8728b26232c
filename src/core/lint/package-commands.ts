/**
 * Recognises package-manager commands: which tool, which action, and whether the command
 * installs what the build context's manifests list (`npm ci`, `pip install -r …`).
 */
import type { Command } from "./shell-commands.js";
import type { Word } from "./shell-words.js";
import { split, use, type Tool, type ToolUse } from "./package-tool-use.js";
import {
  classifyCargo,
  classifyConda,
  classifyDotnet,
  classifyGo,
  classifyGradle,
  classifyMaven,
  classifyNode,
  classifyPip,
} from "./package-classifiers.js";

export type { InstallKind, Tool, ToolUse } from "./package-tool-use.js";

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
