/**
 * kiln's entry point, every command (bin/kiln runs the commands that bake and plan from
 * main-bake.ts's bundle): see program.ts.
 */
import type { Command } from "commander";
import { COMMAND_NAMES, REGISTRATIONS } from "./commands.js";
import { invokedCommandOf, programOf, runMain } from "./program.js";
import { kilnVersion } from "./version.js";

export { kilnVersion };

/** the whole program; `only` registers just the command a run invokes */
export function buildProgram(only?: string): Command {
  return programOf(REGISTRATIONS, only);
}

/** the command a run invokes, when the fast path may register it alone (program.ts) */
export function invokedCommand(argv: readonly string[]): string | undefined {
  return invokedCommandOf(argv, COMMAND_NAMES);
}

export async function main(argv: string[]): Promise<void> {
  await runMain(argv, REGISTRATIONS);
}
