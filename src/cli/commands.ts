/**
 * The command list: each command lives in its own file and registers itself here.
 * Add one import and one entry (with the top-level names it adds) per command.
 */
import type { Command } from "commander";
import { registerBake } from "./bake.js";
import { registerBundle } from "./bundle.js";
import { registerCompletion } from "./completion.js";
import { registerConfig } from "./config.js";
import { registerDoctor } from "./doctor.js";
import { registerHistory } from "./history.js";
import { registerLint } from "./lint.js";
import { registerPull } from "./pull.js";
import { registerPush } from "./push.js";
import { registerRestore } from "./restore.js";
import { registerStatus } from "./status.js";
import { registerUp } from "./up.js";
import { registerVolumes } from "./volumes.js";
import { registerWhy } from "./why.js";

/** each file's registration with the top-level commands it adds */
const REGISTRATIONS: { names: readonly string[]; register: (program: Command) => void }[] = [
  { names: ["bake", "build", "rebuild"], register: registerBake },
  { names: ["bundle"], register: registerBundle },
  { names: ["completion"], register: registerCompletion },
  { names: ["config"], register: registerConfig },
  { names: ["doctor"], register: registerDoctor },
  { names: ["history", "report"], register: registerHistory },
  { names: ["lint"], register: registerLint },
  { names: ["pull"], register: registerPull },
  { names: ["push"], register: registerPush },
  { names: ["restore"], register: registerRestore },
  { names: ["status"], register: registerStatus },
  { names: ["up"], register: registerUp },
  { names: ["volumes"], register: registerVolumes },
  { names: ["why"], register: registerWhy },
];

/** the top-level command names, as `registerCommands` adds them */
export const COMMAND_NAMES: readonly string[] = REGISTRATIONS.flatMap((r) => r.names);

/**
 * Every command; or, given `only` (the command a run invokes), just the file that adds it: a
 * run parses its own command's options, and building all 30 commands' options costs a no-op
 * bake ≈ 1.5 ms of its start (#14). Help and an unknown command need them all (main decides).
 */
export function registerCommands(program: Command, only?: string): void {
  for (const r of REGISTRATIONS) if (only === undefined || r.names.includes(only)) r.register(program);
}
