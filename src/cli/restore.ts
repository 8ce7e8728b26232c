/**
 * `kiln restore`: unpin — put each pinned service's original build: back, keeping the edits
 * made after baking. `--from-backup` writes the pristine backups back wholesale. Pins kiln made
 * in another folder are undone from kiln's records of that folder, or with `--from-git` from
 * the last commit that has the build: (#12.3).
 */
import type { Command } from "commander";
import { locateProject, openProject } from "../app/open-project.js";
import { unpinProject } from "../app/pin-project.js";
import { assertForeignRestorable, examineForeignPins, restoreForeignPins } from "../app/foreign-pins.js";
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
  fromGit?: boolean;
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
    // pins made in another folder (a copy, the old name, a teammate's commit): refused before
    // anything is written when nothing says what the file was before them
    const foreign = examineForeignPins(project, ctx.env, { services, git: true });
    assertForeignRestorable(project, foreign, { fromGit: flags.fromGit === true });
    const outcome = unpinProject(project, services);
    if (foreign.length > 0) {
      // the local unpin may have rewritten a file that also holds foreign pins: look again
      const again = examineForeignPins(await openProject(ctx.globals, ctx.env, ctx.log), ctx.env, {
        services,
        git: flags.fromGit === true,
      });
      const done = restoreForeignPins(project, again, { fromGit: flags.fromGit === true });
      outcome.restored.push(...done.restored.filter((s) => !outcome.restored.includes(s)));
      outcome.files.push(...done.files.filter((f) => !outcome.files.includes(f)));
      for (const f of again) {
        const how =
          flags.fromGit && f.fromGit ? `commit ${f.fromGit.commit.slice(0, 12)}` : f.fromRecords?.origin;
        ctx.log(`kiln: put back build: pinned in another folder in ${f.target} (from ${how})`);
      }
    }
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
