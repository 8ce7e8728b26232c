/**
 * The command list: each command lives in its own file and registers itself here.
 * Add one line per command (keep the list sorted).
 */
import type { Command } from "commander";

export function registerCommands(_program: Command): void {}
