/**
 * The vocabulary of package-manager recognition: which tool, what an install needs, and the
 * option-splitting helpers every classifier shares.
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
export const VALUE_OPTIONS: Partial<Record<Tool, Set<string>>> = {
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

export function split(tool: Tool, args: Word[]): { positional: Word[]; options: Word[] } {
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

export function use(
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

/** the value of `-x v`, `-xv`, `--long v` or `--long=v` options, in order */
export function optionValues(words: Word[], short: string[], long: string[]): string[] {
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

export function isLocalPath(o: string): boolean {
  return o === "." || o.startsWith("./") || o.startsWith(".[") || o.startsWith("/") || o.startsWith("../");
}
