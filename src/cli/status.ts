/**
 * `kiln status`: what is baked, stale or unbaked, and why.
 */
import type { Command } from "commander";
import { projectStatus } from "../app/status.js";
import { action, type CommandContext } from "./runtime.js";
import type { CommandResult } from "./output.js";

async function status(ctx: CommandContext): Promise<CommandResult> {
  const result = await projectStatus(ctx.globals, ctx.env, ctx.ports);
  const width = Math.max(7, ...result.services.map((s) => s.name.length));
  const lines = [`project ${result.project}:`];
  for (const s of result.services)
    lines.push(`  ${s.name.padEnd(width)}  ${s.state.padEnd(13)}  ${s.image}  (${s.reason})`);
  if (result.services.length === 0) lines.push("  no buildable services");
  return { data: { services: result.services }, text: lines.join("\n") };
}

export function registerStatus(program: Command): void {
  program
    .command("status")
    .description(
      "show which services are baked, stale, unbaked, missing their image or pinned in another folder, and why",
    )
    .addHelpText(
      "after",
      "\nExamples:\n  kiln status\n  kiln status --json --project-dir examples/dukat --devcontainer",
    )
    .action(action(status));
}
