/**
 * `kiln volumes …`: the named cache volumes (pip, apt, torch, Hugging Face, Ollama, models)
 * that a project's compose services — and its devcontainer's and sibling projects' — share.
 */
import type { Command } from "commander";
import {
  ensureCacheVolumes,
  exportCacheVolume,
  fixCacheVolumes,
  importCacheVolume,
  inspectCacheVolume,
  listVolumes,
  pruneCacheVolumes,
  type TransferProgressFactory,
  type VolumesRequest,
} from "../app/volumes.js";
import { EXIT } from "../core/errors.js";
import { formatBytes } from "../report/format-bytes.js";
import { transferProgress } from "../report/transfer-progress.js";
import { formatVolumeInspection, formatVolumeReport } from "../report/volume-text.js";
import type { CommandResult } from "./output.js";
import { action, type CommandContext } from "./runtime.js";

function request(ctx: CommandContext): VolumesRequest {
  return { globals: ctx.globals, env: ctx.env, signal: ctx.signal };
}

async function ls(
  ctx: CommandContext,
  options: { fix?: boolean; external?: boolean; size?: boolean },
): Promise<CommandResult> {
  if (options.fix) {
    const fixed = await fix(ctx, { external: options.external === true });
    ctx.log(fixed.text);
  }
  const report = await listVolumes(request(ctx), ctx.ports, { sizes: options.size !== false });
  return { data: report, text: formatVolumeReport(report) };
}

async function ensure(
  ctx: CommandContext,
  options: { owner?: string; recursive?: boolean },
): Promise<CommandResult> {
  const actions = await ensureCacheVolumes(request(ctx), ctx.ports, {
    ...(options.owner === undefined ? {} : { owner: options.owner }),
    recursive: options.recursive === true,
  });
  const lines = actions.map(
    (a) =>
      `${a.name} [${a.purpose}]: ${a.created ? "created" : "exists"}` +
      (a.owner ? `, owner set to ${a.owner}` : a.currentOwner ? `, owner ${a.currentOwner}` : ""),
  );
  return { data: { volumes: actions }, text: lines.length ? lines.join("\n") : "no cache volumes found" };
}

async function inspect(ctx: CommandContext, name: string): Promise<CommandResult> {
  const r = await inspectCacheVolume(request(ctx), ctx.ports, name);
  const text = formatVolumeInspection(r);
  return { data: r, text };
}

async function prune(
  ctx: CommandContext,
  names: string[],
  options: { dryRun?: boolean; allProjects?: boolean },
): Promise<CommandResult> {
  const r = await pruneCacheVolumes(request(ctx), ctx.ports, {
    names,
    dryRun: options.dryRun === true,
    allProjects: options.allProjects === true,
  });
  const verb = r.dryRun ? "would remove" : "removed";
  const lines = [
    ...r.removed.map((n) => `${verb} ${n}`),
    ...r.kept.map((k) => `kept ${k.name} (used by ${k.usedBy.join(", ")})`),
  ];
  return {
    data: r,
    text: lines.length
      ? lines.join("\n")
      : `nothing to prune (only kiln-created cache volumes${options.allProjects ? "" : " of this project"} that no container uses are pruned)`,
  };
}

function progressOf(ctx: CommandContext): TransferProgressFactory {
  return (label, total) => transferProgress(label, total, ctx.globals.progress, ctx.out.stderr);
}

async function exportCmd(
  ctx: CommandContext,
  name: string,
  file: string,
  options: { force?: boolean },
): Promise<CommandResult> {
  const r = await exportCacheVolume(request(ctx), ctx.ports, {
    name,
    file,
    force: options.force === true,
    progress: progressOf(ctx),
  });
  return {
    data: { volume: name, file, bytes: r.bytes },
    text: `exported ${name} to ${file} (${formatBytes(r.bytes)})`,
  };
}

async function importCmd(
  ctx: CommandContext,
  file: string,
  name: string,
  options: { force?: boolean },
): Promise<CommandResult> {
  const r = await importCacheVolume(request(ctx), ctx.ports, {
    file,
    name,
    force: options.force === true,
    progress: progressOf(ctx),
  });
  return {
    data: { volume: name, file, entries: r.entries, bytes: r.bytes, replaced: r.replaced },
    text: `imported ${r.entries} entries (${formatBytes(r.bytes)}) into ${name}${r.replaced ? " (replaced its contents)" : ""}`,
  };
}

async function fix(
  ctx: CommandContext,
  options: { external?: boolean; dryRun?: boolean; addMounts?: boolean },
): Promise<CommandResult> {
  const r = await fixCacheVolumes(request(ctx), ctx.ports, {
    external: options.external === true,
    dryRun: options.dryRun === true,
    addMounts: options.addMounts !== false,
  });
  const described = r.changes;
  if (!r.written) {
    return {
      data: { dryRun: r.dryRun, changes: described, files: r.files, backups: [] },
      text: described.length
        ? `${options.dryRun ? "would change" : "changes"}:\n${described.map((d) => `  ${d}`).join("\n")}`
        : "nothing to fix",
    };
  }
  return {
    data: { dryRun: false, changes: described, files: r.files, backups: r.backups },
    text: `changed ${r.files.length} file(s):\n${described.map((d) => `  ${d}`).join("\n")}\nbackups: ${r.backups.join(", ")}\nnext: kiln volumes ensure`,
    exitCode: EXIT.ok,
  };
}

const HELP = `
Which projects: the compose project of --project-dir, its devcontainer configs that use
compose, and the compose projects in its subfolders (two levels; dot-folders and
node_modules skipped) — or exactly the list in the root compose file's x-kiln.projects.
A cache is a named volume mounted on a known cache path (pip, apt, torch, huggingface,
ollama, models; under /root or a user's home; or $HF_HOME, $OLLAMA_MODELS, $TORCH_HOME…)
or one named in x-kiln.caches:

  x-kiln:
    projects: [., ../test-gen]
    caches:
      huggingface: { volume: huggingface-cache, path: /root/.cache/huggingface, external: true }
      pip: dukat-pip-cache

Cache volumes kiln creates carry kiln.managed=true and kiln.purpose=<purpose> (plus the
labels in KILN_EXTRA_LABELS="k=v,k2=v2", and compose's project labels); prune only removes
those, and only the caches of the project(s) here unless --all-projects. A volume that is
not a cache (a database's data) is never labelled as kiln's nor pruned; \`import\` into a
new one labels it only with KILN_EXTRA_LABELS. Nothing is pulled or started:
kiln reads and writes volumes through a created container of its own empty image
(kiln-local/volume-helper:1, imported from a 1.5 kB tar) — only \`ensure --recursive\`
starts one, running chown -R in a service's local image.

Exit codes: 2 for an unknown volume, an unreadable tar, or an existing target without
--force; 1 when a volume is in use (prune, import --force); 3 when the engine is down.

Examples:
  kiln volumes ls --json
  kiln volumes fix --external && kiln volumes ensure
  kiln volumes export huggingface-cache hf.tar && kiln volumes import hf.tar huggingface-cache --force`;

export function registerVolumes(program: Command): void {
  const volumes = program
    .command("volumes")
    .description("list, create, check, fix, export and import the shared cache volumes")
    .addHelpText("after", HELP);
  volumes
    .command("ls")
    .description("each cache volume: purpose, size, the services that mount it, and what is wrong")
    .option("--fix", "run `volumes fix` first")
    .option("--external", "with --fix: also mark the shared caches external")
    .option("--no-size", "skip measuring the volumes (the engine walks every volume to size them)")
    .action(action(ls));
  volumes
    .command("ensure")
    .description("create the missing cache volumes, owned by the users that mount them")
    .option("--owner <uid:gid>", "owner of every cache volume's root folder")
    .option(
      "--recursive",
      "also chown everything inside existing volumes (runs chown -R in a service's local image)",
    )
    .action(action(ensure));
  volumes
    .command("inspect")
    .argument("<name>", "engine volume name")
    .description("size, file count and largest files of a volume")
    .action(action(inspect));
  volumes
    .command("prune")
    .argument("[names...]", "only these (each must be a kiln-created cache, unused)")
    .description("remove the project's kiln-created cache volumes that no container uses")
    .option("--dry-run", "only list what would be removed")
    .option(
      "--all-projects",
      "every project's kiln-created cache volumes on this engine, not only this project's",
    )
    .action(action(prune));
  volumes
    .command("export")
    .argument("<name>", "volume")
    .argument("<file>", "tar file to write")
    .option("--force", "overwrite an existing file")
    .description("write a volume's files (owners, modes, symlinks) to a tar file")
    .action(action(exportCmd));
  volumes
    .command("import")
    .argument("<file>", "tar file (from export, or tar -c)")
    .argument("<name>", "volume to fill")
    .option("--force", "replace the contents of an existing volume")
    .description("fill a volume from a tar file")
    .action(action(importCmd));
  volumes
    .command("fix")
    .description("edit the compose files so shared caches have one explicit name (and mount it everywhere)")
    .option("--external", "also mark the shared caches external: true (docker compose down -v keeps them)")
    .option("--no-add-mounts", "do not add a cache to services that mount the other caches but not this one")
    .option("--dry-run", "only show the edits")
    .action(action(fix));
}
