/**
 * commander's parse errors as KilnErrors (ERR_KILN_USAGE, exit 2) whose hint says what to type:
 * the allowed choices of an option, commander's "did you mean" suggestion, and the `--help` of
 * the command the user was typing (#12.8).
 */
import type { Command, CommanderError } from "commander";
import { KilnError } from "../core/errors.js";

/** the deepest (sub)command the argv names: `kiln volumes prune --x` → "kiln volumes prune" */
export function commandPath(program: Command, argv: string[]): { path: string; command: Command } {
  const names = [program.name()];
  let current = program;
  for (const token of argv.slice(2)) {
    if (token.startsWith("-")) continue;
    const next = current.commands.find((c) => c.name() === token || c.aliases().includes(token));
    if (!next) {
      if (current.commands.length > 0) continue; // an option's value, e.g. --project-dir DIR
      break;
    }
    names.push(next.name());
    current = next;
  }
  return { path: names.join(" "), command: current };
}

export function usageError(error: CommanderError, program: Command, argv: string[]): KilnError {
  const lines = error.message.replace(/^error: /, "").split("\n");
  const suggestion = /^\(Did you mean (.+)\?\)$/.exec(lines[lines.length - 1] ?? "");
  const message = (suggestion ? lines.slice(0, -1) : lines).join(" ").trim();
  const { path: where, command } = commandPath(program, argv);
  const help = `\`${where} --help\` lists ${command === program ? "the commands and global options" : command.commands.length > 0 ? "its commands" : "its options"}`;
  let hint: string;
  const choices = /^(option|command-argument value) '([^']*)'.* Allowed choices are (.+)\.$/.exec(message);
  if (choices) {
    const allowed = (choices[3] ?? "").split(", ");
    const flag = /^option '(-\S+?)[ ',]/.exec(message)?.[1];
    const example = flag ? `${flag} ${allowed[0]}` : `${where} ${allowed[0]}`;
    hint = `use one of: ${allowed.join(", ")} (e.g. ${example})`;
  } else if (suggestion) {
    hint = `did you mean ${suggestion[1]}? ${help}`;
  } else {
    hint = help;
  }
  return new KilnError("ERR_KILN_USAGE", message, { hint });
}
