/**
 * `kiln restore`: unpin — put each pinned service's original build: back, keeping the edits
 * made after baking. `--from-backup` writes the pristine backups back wholesale.
 */
import type { Command } from "commander";
import { locateProject, openProject } from "../app/open-project.js";
import { unpinProject } from "../app/pin-project.js";
import { overridePath, removeOverridePins } from "../app/override-pins.js";
import { removeGeneratedConfig } from "../adapters/bake/devcontainer-config.js";
import { BackupStore } from "../adapters/state/backup-store.js";
import { commitFiles } from "../adapters/state/journal.js";
import { pinsFileChange, withPin } from "../adapters/state/pin-store.js";
import { openProjectSession } from "../adapters/state/project-session.js";
import { action, type CommandContext } from "./runtime.js";
import type { CommandResult } from "./output.js";

interface RestoreFlags {
  fromBackup?: boolean;
  force?: boolean;
}

async function restore(ctx: CommandContext, services: string[], flags: RestoreFlags): Promise<CommandResult> {
  const first = await locateProject(ctx.globals, ctx.env);
  const session = openProjectSession(first.stateDir, { command: "kiln restore", log: ctx.log });
  try {
    const project = await openProject(ctx.globals, ctx.env, ctx.log);
    if (flags.fromBackup) {
      const backups = new BackupStore(project.stateDir);
      const files: string[] = [];
      let pins = project.pins;
      for (const [file, records] of Object.entries(project.pins.files)) {
        backups.restoreWholesale(file, { force: flags.force === true, records: Object.values(records) });
        for (const r of Object.values(records)) pins = withPin(pins, file, r.service, null);
        files.push(file);
      }
      if (files.length > 0) commitFiles(project.stateDir, [pinsFileChange(project.stateDir, pins)]);
      return {
        data: { restored: Object.values(project.pins.files).flatMap((r) => Object.keys(r)), files },
        text: files.length > 0 ? `restored ${files.join(", ")} from the backup` : "nothing is pinned",
      };
    }
    const outcome = unpinProject(project, services);
    if (services.length === 0 && removeOverridePins(project.stateDir))
      outcome.files.push(overridePath(project.stateDir));
    const dc = project.model.devcontainer;
    const generated = services.length === 0 && dc ? await removeGeneratedConfig(dc) : undefined;
    if (generated) outcome.files.push(generated);
    return {
      data: { restored: outcome.restored, files: outcome.files },
      text:
        outcome.restored.length > 0
          ? `unpinned ${outcome.restored.join(", ")} in ${outcome.files.join(", ")}`
          : "nothing is pinned",
    };
  } finally {
    session.release();
  }
}

export function registerRestore(program: Command): void {
  program
    .command("restore")
    .description("unpin: put the original build: sections back, keeping edits made after baking")
    .argument("[services...]", "services to unpin (default: all pinned)")
    .option("--from-backup", "write the pristine backup of each pinned file back wholesale")
    .option("--force", "with --from-backup: overwrite edits made after baking")
    .addHelpText(
      "after",
      "\nExamples:\n  kiln restore\n  kiln restore api\n  kiln restore --from-backup --force",
    )
    .action(action(restore));
}
