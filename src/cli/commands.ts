/**
 * The command list: each command lives in its own file and registers itself here.
 * Add one import and one call per command.
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

export function registerCommands(program: Command): void {
  registerBake(program);
  registerBundle(program);
  registerCompletion(program);
  registerConfig(program);
  registerDoctor(program);
  registerHistory(program);
  registerLint(program);
  registerPull(program);
  registerPush(program);
  registerRestore(program);
  registerStatus(program);
  registerUp(program);
  registerVolumes(program);
  registerWhy(program);
}
