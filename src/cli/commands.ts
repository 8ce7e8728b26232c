/**
 * The command list: each command lives in its own file and registers itself here (the commands
 * that bake and plan in commands-bake.ts, which bin/kiln's bake bundle uses alone).
 * Add one import and one entry (with the top-level names it adds) per command.
 */
import type { Command } from "commander";
import { registerBundle } from "./bundle.js";
import { BAKE_REGISTRATIONS } from "./commands-bake.js";
import { registerCompletion } from "./completion.js";
import { registerConfig } from "./config.js";
import { registerDoctor } from "./doctor.js";
import { registerHistory } from "./history.js";
import { registerLint } from "./lint.js";
import { registerFrom, type Registration } from "./registration.js";
import { registerRestore } from "./restore.js";
import { registerVolumes } from "./volumes.js";

/** each file's registration with the top-level commands it adds, in the order help lists them */
export const REGISTRATIONS: readonly Registration[] = [
  ...BAKE_REGISTRATIONS,
  { names: ["bundle"], register: registerBundle },
  { names: ["completion"], register: registerCompletion },
  { names: ["config"], register: registerConfig },
  { names: ["doctor"], register: registerDoctor },
  { names: ["history", "report"], register: registerHistory },
  { names: ["lint"], register: registerLint },
  { names: ["restore"], register: registerRestore },
  { names: ["volumes"], register: registerVolumes },
].sort((a, b) => (a.names[0] < b.names[0] ? -1 : 1));

/** the top-level command names, as `registerCommands` adds them */
export const COMMAND_NAMES: readonly string[] = REGISTRATIONS.flatMap((r) => r.names);

/** every command; or, given `only`, just the file that adds it (registration.ts) */
export function registerCommands(program: Command, only?: string): void {
  registerFrom(program, REGISTRATIONS, only);
}
