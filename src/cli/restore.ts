/**
 * `kiln restore`: argv → app/restore.ts (the transaction) → text.
 */
import type { Command } from "commander";
import { restoreProject } from "../app/restore.js";
import { action, type CommandContext } from "./runtime.js";
import type { CommandResult } from "./output.js";

interface RestoreFlags {
  fromBackup?: boolean;
  force?: boolean;
  fromGit?: boolean;
}

async function restore(ctx: CommandContext, services: string[], flags: RestoreFlags): Promise<CommandResult> {
  const r = await restoreProject(
    {
      globals: ctx.globals,
      env: ctx.env,
      services,
      fromBackup: flags.fromBackup === true,
      force: flags.force === true,
      fromGit: flags.fromGit === true,
    },
    ctx.ports,
  );
  const data = { restored: r.restored, files: r.files };
  if (r.how === "backup") {
    return {
      data,
      text: r.files.length > 0 ? `restored ${r.files.join(", ")} from the backup` : "nothing is pinned",
    };
  }
  return {
    data,
    text:
      r.restored.length > 0
        ? `unpinned ${r.restored.join(", ")} in ${r.files.join(", ")}`
        : "nothing is pinned",
  };
}

export function registerRestore(program: Command): void {
  program
    .command("restore")
    .description("unpin: put the original build: sections back, keeping edits made after baking")
    .argument("[services...]", "services to unpin (default: all pinned)")
    .option("--from-backup", "write the pristine backup of each pinned file back wholesale")
    .option("--force", "with --from-backup: overwrite edits made after baking")
    .option(
      "--from-git",
      "for pins kiln made in another folder (a copied or cloned compose file): put build: back from the last commit that has it, keeping later edits",
    )
    .addHelpText(
      "after",
      "\nExamples:\n  kiln restore\n  kiln restore api\n  kiln restore --from-backup --force\n  kiln restore --from-git",
    )
    .action(action(restore));
}
