/**
 * --fix for copy-before-install (#16.2): put `COPY <manifests> <dest>` and the dependency
 * install right before the COPY that invalidates it. An install that reads only the manifests
 * moves there; one that also installs the project or compiles stays after the COPY, with the
 * dependency-only command (`pip install -r`, `go mod download`, `poetry install --no-root`…)
 * inserted. Offered only when it is safe: the manifests are in the context, the COPY and the
 * install are in the same stage with nothing but COPYs between them (same WORKDIR, USER,
 * variables), the install works in the copied folder, and a moved install is the first
 * command of a plain shell-form RUN.
 */
import type { CopyStep, RunStep } from "./dockerfile-model.js";
import { removeCommand } from "./edits.js";
import { projectDir } from "./install-copy.js";
import { depsOnlyCommand, type Manifests } from "./install-manifests.js";
import { normalizePath } from "./mounts.js";
import type { ToolUse } from "./package-commands.js";
import type { RuleContext } from "./rule.js";
import type { Edit } from "./finding-types.js";

export interface InstallFixInput {
  step: RunStep;
  use: ToolUse;
  copy: CopyStep;
  prefix: string;
  sub: string;
  manifests: Manifests;
  broad: boolean;
  /** the manifests were copied before already (not fixed) */
  early: boolean;
}

function sameScope(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

/** nothing but COPYs between the COPY and the install, in the same stage and build state */
function adjacent(copy: CopyStep, step: RunStep): boolean {
  if (copy.stage !== step.stage || copy.onbuild) return false;
  const steps = step.stage.steps;
  const from = steps.indexOf(copy);
  const to = steps.indexOf(step);
  if (from === -1 || to <= from) return false;
  if (steps.slice(from + 1, to).some((s) => s.kind !== "copy")) return false;
  return copy.workdir === step.workdir && copy.user === step.user && sameScope(copy.scope, step.scope);
}

/** the RUN's --mount/--network/--security flags as written: the install keeps its caches and secrets */
function runFlags(text: string, step: RunStep): string {
  const end = step.scriptStart?.offset ?? step.insertAt;
  const flags = text.slice(step.insertAt, end).match(/--(mount|network|security)=\S+/g) ?? [];
  return flags.map((f) => `${f} `).join("");
}

/**
 * pip's dependency-only install for `pip install [opts] -e .`: the same program and options,
 * `-r requirements.txt` instead of the project
 */
function pipRequirements(
  text: string,
  use: ToolUse,
  files: readonly string[],
  prefix: string,
): { command: string; names: string[] } | undefined {
  const args = use.command.args;
  const at = args.findIndex((a) => a.value === "install");
  if (at === -1 || use.command.start < 0) return undefined;
  if (use.named.length === 0 && !files.includes(`${prefix}requirements.txt`)) return undefined;
  const program = text.slice(use.command.start, args[at].start).trimEnd();
  if (program.includes("\n") || program.includes("\\")) return undefined;
  const kept: string[] = [];
  for (let i = at + 1; i < args.length; i++) {
    const w = args[i];
    if (w.start < 0) return undefined;
    if (w.value === "-e" || w.value === "--editable") i++;
    else if (/^(-e|--editable=)/.test(w.value) || /^(\.|\.\/|\.\[)/.test(w.value)) continue;
    else kept.push(text.slice(w.start, w.end));
  }
  // `pip install -r requirements/base.txt -e .`: its own -r files are the dependencies
  const named = use.named.map((n) => n.replace(/^\.\//, ""));
  if (named.some((n) => !files.includes(`${prefix}${n}`))) return undefined;
  const req = named.length > 0 ? [] : ["-r", "requirements.txt"];
  return {
    command: [program, "install", ...kept, ...req].join(" "),
    names: named.length > 0 ? named : ["requirements.txt"],
  };
}

/** `COPY <manifests> <dest>` lines, one per folder: `requirements/base.txt` lands in <dest>requirements/ */
export function manifestCopies(names: readonly string[], prefix: string, dest: string): string[] {
  const byDir = new Map<string, string[]>();
  for (const n of names) {
    const dir = n.includes("/") ? n.slice(0, n.lastIndexOf("/") + 1) : "";
    byDir.set(dir, [...(byDir.get(dir) ?? []), `${prefix}${n}`]);
  }
  return [...byDir].map(([dir, group]) => `COPY ${group.join(" ")} ${dest}${dir}`);
}

export function copyBeforeInstallFix(ctx: RuleContext, input: InstallFixInput): Edit[] | undefined {
  const { step, use, copy, prefix, sub, broad, early } = input;
  const files = ctx.options.contextFiles;
  const text = ctx.analysis.model.text;
  // manifests copied earlier to wherever: moving the install between the COPYs is left to the user
  if (files === undefined || !input.manifests.found || sub !== "" || early) return undefined;
  if (!step.posix || step.execForm || step.scriptStart === undefined || step.scriptStart.heredoc)
    return undefined;
  if (use.command.start < 0 || !adjacent(copy, step)) return undefined;
  const dest = normalizePath(copy.dest.startsWith("/") ? copy.dest : `${copy.workdir}/${copy.dest}`);
  if (projectDir(step, use) !== step.workdir || dest !== step.workdir) return undefined;
  if (!broad && prefix === "") return undefined;

  let names = input.manifests.names;
  let command: string | undefined;
  const original = text.slice(use.command.start, use.command.end);
  if (original.includes("\n")) return undefined;
  if (use.tool === "pip" && use.kind === "project") {
    const pip = pipRequirements(text, use, files, prefix);
    if (pip === undefined) return undefined;
    ({ command, names } = pip);
  } else command = depsOnlyCommand(use, original);
  if (command === undefined) return undefined;
  if (use.tool === "dotnet") {
    names = names.filter((n) => /\.(cs|fs|vb)proj$/.test(n));
    if (names.length !== 1 || names[0].includes("/") || names[0].includes("*")) return undefined;
  }
  // workspaces: the install needs every member's package.json, which kiln cannot list
  if (names.some((n) => /^(pnpm-workspace\.yaml|lerna\.json|go\.work)$/.test(n))) return undefined;

  const edits: Edit[] = [];
  if (use.kind === "deps") {
    const k = step.commands.indexOf(use.command);
    if (k !== 0) return undefined;
    if (step.commands.length === 1) {
      const lineEnd = text[step.end] === "\n" ? step.end + 1 : step.end;
      edits.push({ start: step.start, end: lineEnd, text: "" });
    } else {
      const removal = removeCommand(text, step.commands, k);
      if (removal === undefined) return undefined;
      edits.push(...removal);
    }
  }
  const copyDest = copy.dest === "." || copy.dest === "./" ? "./" : copy.dest.replace(/\/*$/, "/");
  const copyLine = manifestCopies(names, prefix, copyDest)
    .map((c) => `${c}\n`)
    .join("");
  edits.unshift({
    start: copy.start,
    end: copy.start,
    text: `${copyLine}RUN ${runFlags(text, step)}${command}\n`,
  });
  return edits;
}
