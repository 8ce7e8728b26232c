/**
 * The command list: each command lives in its own file and registers itself here.
 * Add one import and one call per command.
 */
import type { Command } from "commander";
import { registerConfig } from "./config.js";
import { registerDoctor } from "./doctor.js";
import { registerVolumes } from "./volumes.js";

export function registerCommands(program: Command): void {
  registerConfig(program);
  registerDoctor(program);
  registerVolumes(program);
}
