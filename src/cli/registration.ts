/** A command file's registration: the top-level commands it adds, and the function that adds them. */
import type { Command } from "commander";

export interface Registration {
  names: readonly string[];
  register: (program: Command) => void;
}

/**
 * Every registration; or, given `only` (the command a run invokes), just the one that adds it: a
 * run parses its own command's options, and building all 30 commands' options costs a no-op
 * bake ≈ 1.5 ms of its start (#14). Help and an unknown command need them all (main decides).
 */
export function registerFrom(program: Command, registrations: readonly Registration[], only?: string): void {
  for (const r of registrations) if (only === undefined || r.names.includes(only)) r.register(program);
}
