/**
 * The shape shell completion is generated from: the commander program's visible commands,
 * options, option choices and argument choices — so new commands complete without touching
 * the generators (bash.ts, zsh.ts, fish.ts).
 */
import type { Command, Help } from "commander";

export type Shell = "bash" | "zsh" | "fish";
export const SHELLS: Shell[] = ["bash", "zsh", "fish"];

export interface CompletionOption {
  flags: string[];
  description: string;
  takesValue: boolean;
  choices: string[];
}

export interface CompletionCommand {
  /** "" for the program, "volumes ls" for a nested command */
  path: string;
  name: string;
  description: string;
  options: CompletionOption[];
  subcommands: CompletionCommand[];
  /** choices of its positional arguments (e.g. the shells of `completion`) */
  argChoices: string[];
}

// only words that need no quoting in any of the three shells
const SAFE_WORD = /^[\w.:@/+=-]+$/;
const safe = (words: readonly string[] | undefined): string[] =>
  (words ?? []).filter((w) => SAFE_WORD.test(w));

function firstLine(text: string): string {
  return (text.split("\n")[0] ?? "").trim();
}

export function completionModel(
  program: Command,
  help: Help = program.createHelp(),
  path = "",
  parent?: Command,
): CompletionCommand {
  const subcommands = help.visibleCommands(program).map((sub) => {
    const childPath = path ? `${path} ${sub.name()}` : sub.name();
    return completionModel(sub, help, childPath, program);
  });
  const options = help.visibleOptions(program).map((o) => ({
    flags: [o.short, o.long].filter((f): f is string => typeof f === "string"),
    description: firstLine(o.description),
    takesValue: o.required,
    choices: safe(o.argChoices),
  }));
  // `kiln help <command>`
  const argChoices =
    program.name() === "help" && parent
      ? safe(
          help
            .visibleCommands(parent)
            .map((c) => c.name())
            .filter((n) => n !== "help"),
        )
      : program.registeredArguments.flatMap((a) => safe(a.argChoices));
  return {
    path,
    name: program.name(),
    description: firstLine(program.description()),
    options,
    subcommands,
    argChoices,
  };
}

/** the program's options a subcommand accepts too (not --version; each has its own --help) */
export function inheritedOptions(root: CompletionCommand): CompletionOption[] {
  return root.options.filter((o) => !o.flags.includes("--version") && !o.flags.includes("--help"));
}

export function allCommands(root: CompletionCommand): CompletionCommand[] {
  return [root, ...root.subcommands.flatMap(allCommands)];
}

export const sq = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;
export const dq = (text: string): string => `"${text}"`;
