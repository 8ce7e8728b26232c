/**
 * `kiln completion bash|zsh|fish`: prints a completion script generated from the commander
 * program itself (src/report/completion/), so new commands complete without touching this file.
 */
import { Argument, type Command } from "commander";
import { SHELLS, type Shell } from "../report/completion/completion-model.js";
import { completionScript } from "../report/completion/script.js";
import { action } from "./runtime.js";
import type { CommandResult } from "./output.js";

export function registerCompletion(program: Command): void {
  program
    .command("completion")
    .description("print the shell completion script for bash, zsh or fish")
    .addArgument(new Argument("<shell>", "the shell").choices(SHELLS))
    .addHelpText(
      "after",
      "\nExamples:\n" +
        "  source <(kiln completion bash)              # in ~/.bashrc\n" +
        '  kiln completion zsh > "${fpath[1]}/_kiln"\n' +
        "  kiln completion fish > ~/.config/fish/completions/kiln.fish",
    )
    .action(
      action(async (_ctx, shell: Shell): Promise<CommandResult> => {
        const script = completionScript(shell, program);
        return { data: { shell, script }, text: script };
      }),
    );
}
