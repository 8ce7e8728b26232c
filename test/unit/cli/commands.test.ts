/**
 * A run registers only the command it invokes (#14): the table of which file adds which commands
 * must match what the files add, and the one command must parse as it does in the whole program.
 */
import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { COMMAND_NAMES } from "../../../src/cli/commands.js";
import { buildProgram, invokedCommand } from "../../../src/cli/main.js";

/** a command's options and subcommands, recursively, as comparable data */
function shape(command: Command): unknown {
  return {
    name: command.name(),
    options: command.options.map((o) => o.flags),
    commands: command.commands.map(shape),
  };
}

describe("registering the invoked command only", () => {
  const full = buildProgram();

  it("names every top-level command the command files add, and no other", () => {
    expect([...COMMAND_NAMES].sort()).toEqual(full.commands.map((c) => c.name()).sort());
  });

  it("gives each command the same options and subcommands as the whole program does", () => {
    for (const name of COMMAND_NAMES) {
      const alone = buildProgram(name);
      const command = alone.commands.find((c) => c.name() === name);
      expect(command, name).toBeDefined();
      expect(shape(command!)).toEqual(shape(full.commands.find((c) => c.name() === name)!));
      expect(alone.options.map((o) => o.flags)).toEqual(full.options.map((o) => o.flags));
    }
  });

  it("takes the fast path only for a known first word with no help asked", () => {
    const run = (...args: string[]) => invokedCommand(["node", "kiln", ...args]);
    expect(run("bake", "--progress", "quiet")).toBe("bake");
    expect(run("volumes", "ls")).toBe("volumes");
    expect(run("bake", "--help")).toBeUndefined();
    expect(run("bake", "-h")).toBeUndefined();
    expect(run("help", "bake")).toBeUndefined();
    expect(run("--project-dir", "x", "bake")).toBeUndefined();
    expect(run("bak")).toBeUndefined(); // an unknown command gets suggestions from the whole list
    expect(run("completion", "bash")).toBeUndefined(); // its script names every command
    expect(run()).toBeUndefined();
  });
});
