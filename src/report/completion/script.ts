/** A completion script for the given shell, generated from the commander program. */
import type { Command } from "commander";
import { bashScript } from "./bash.js";
import { fishScript } from "./fish.js";
import { completionModel, type Shell } from "./completion-model.js";
import { zshScript } from "./zsh.js";

export function completionScript(shell: Shell, program: Command): string {
  const root = completionModel(program);
  return shell === "bash" ? bashScript(root) : shell === "zsh" ? zshScript(root) : fishScript(root);
}
