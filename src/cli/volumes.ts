/**
 * `kiln volumes …`: the named cache volumes (pip, apt, torch, Hugging Face, Ollama, models)
 * that a project's compose services — and its devcontainer's and sibling projects' — share.
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { loadOptions } from "../app/open-project.js";
import { endpointFor, getEngine } from "../adapters/engine/index.js";
import { VolumeTransfer } from "../adapters/volumes/volume-transfer.js";
import { exportVolume, importVolume, type ArchiveDeps } from "../adapters/volumes/archive.js";
import { ensureVolumes } from "../adapters/volumes/ensure.js";
import { writeFixedFiles } from "../adapters/volumes/fix-writer.js";
import { inspectVolume } from "../adapters/volumes/inspect.js";
import { takeInventory, type Inventory } from "../adapters/volumes/inventory.js";
import { pruneVolumes } from "../adapters/volumes/prune.js";
import { composeVolumeLabels, extraLabels, managedLabels } from "../adapters/volumes/labels.js";
import { loadProject } from "../adapters/project-loader.js";
import { EXIT, KilnError } from "../core/errors.js";
import { applyFixes, describeFix, planFixes } from "../core/volumes/fix-plan.js";
import { parseOwner } from "../core/volumes/users.js";
import { formatBytes } from "../report/format-bytes.js";
import { transferProgress } from "../report/transfer-progress.js";
import { formatVolumeInspection, formatVolumeReport } from "../report/volume-text.js";
import type { CommandResult } from "./output.js";
import { action, type CommandContext } from "./runtime.js";

function deps(ctx: CommandContext): { engine: ReturnType<typeof getEngine>; transfer: VolumeTransfer } {
  const selection = { env: ctx.env, ...(ctx.globals.context ? { context: ctx.globals.context } : {}) };
  return {
    engine: getEngine(selection),
    transfer: new VolumeTransfer(endpointFor(selection), ctx.env, ctx.signal),
  };
}

async function inventory(ctx: CommandContext, sizes = true): Promise<Inventory> {
  const g = ctx.globals;
  const { engine, transfer } = deps(ctx);
  return takeInventory({
    projectDir: g.projectDir,
    root: loadOptions(g, ctx.env),
    env: ctx.env,
    load: (o) => loadProject(o),
    engine,
    transfer,
    sizes,
  });
}

async function ls(
  ctx: CommandContext,
  options: { fix?: boolean; external?: boolean; size?: boolean },
): Promise<CommandResult> {
  if (options.fix) {
    const fixed = await fix(ctx, { external: options.external === true });
    ctx.log(fixed.text);
  }
  const inv = await inventory(ctx, options.size !== false);
  return { data: inv.report, text: formatVolumeReport(inv.report) };
}

async function ensure(
  ctx: CommandContext,
  options: { owner?: string; recursive?: boolean },
): Promise<CommandResult> {
  const owner = options.owner === undefined ? undefined : parseOwner(options.owner);
  if (options.owner !== undefined && !owner) {
    throw new KilnError("ERR_KILN_USAGE", `--owner ${options.owner}: expected UID or UID:GID (numbers)`, {
      hint: "e.g. --owner 1000:1000",
    });
  }
  const inv = await inventory(ctx);
  const actions = await ensureVolumes(inv.detection, inv.states, {
    ...deps(ctx),
    env: ctx.env,
    recursive: options.recursive === true,
    ...(owner ? { owner } : {}),
  });
  const lines = actions.map(
    (a) =>
      `${a.name} [${a.purpose}]: ${a.created ? "created" : "exists"}` +
      (a.owner ? `, owner set to ${a.owner}` : a.currentOwner ? `, owner ${a.currentOwner}` : ""),
  );
  return { data: { volumes: actions }, text: lines.length ? lines.join("\n") : "no cache volumes found" };
}

async function inspect(ctx: CommandContext, name: string): Promise<CommandResult> {
  const { engine, transfer } = deps(ctx);
  const r = await inspectVolume(engine, transfer, name);
  const text = formatVolumeInspection(r);
  return { data: r, text };
}

async function projectCaches(ctx: CommandContext): Promise<Set<string>> {
  try {
    const inv = await inventory(ctx, false);
    return new Set(inv.detection.groups.flatMap((g) => g.mounts.map((m) => m.engineName)));
  } catch (error: unknown) {
    if (error instanceof KilnError && error.code === "ERR_KILN_COMPOSE_NOT_FOUND")
      throw new KilnError("ERR_KILN_COMPOSE_NOT_FOUND", error.message, {
        hint: "prune looks at the cache volumes of the project here: pass --project-dir DIR, or --all-projects for kiln's cache volumes of every project",
      });
    throw error;
  }
}

async function prune(
  ctx: CommandContext,
  names: string[],
  options: { dryRun?: boolean; allProjects?: boolean },
): Promise<CommandResult> {
  const { engine } = deps(ctx);
  // only the caches kiln finds in the current project(s), unless asked for every project (#12.6)
  const caches = options.allProjects ? undefined : await projectCaches(ctx);
  const r = await pruneVolumes(engine, {
    dryRun: options.dryRun === true,
    names,
    ...(caches ? { caches } : {}),
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

function archiveDeps(ctx: CommandContext, label: string): ArchiveDeps {
  return {
    ...deps(ctx),
    env: ctx.env,
    progress: (total) => transferProgress(label, total, ctx.globals.progress, ctx.out.stderr),
  };
}

async function exportCmd(
  ctx: CommandContext,
  name: string,
  file: string,
  options: { force?: boolean },
): Promise<CommandResult> {
  const r = await exportVolume(
    name,
    file,
    { force: options.force === true },
    archiveDeps(ctx, `export ${name}`),
  );
  return {
    data: { volume: name, file, bytes: r.bytes },
    text: `exported ${name} to ${file} (${formatBytes(r.bytes)})`,
  };
}

/**
 * A volume import creates: kiln's (prunable) labels only when the project here mounts it as a
 * cache; anything else — a database dump restored, a volume of no project — is the user's (#12.6).
 */
async function importLabels(ctx: CommandContext, name: string): Promise<Record<string, string>> {
  let inv: Inventory | undefined;
  try {
    inv = await inventory(ctx, false);
  } catch (error: unknown) {
    if (!(error instanceof KilnError)) throw error;
  }
  for (const group of inv?.detection.groups ?? []) {
    const mount = group.mounts.find((m) => m.engineName === name);
    if (mount)
      return {
        ...managedLabels(ctx.env, group.purpose),
        ...(mount.external ? {} : composeVolumeLabels(mount.project, mount.volumeKey)),
      };
  }
  return extraLabels(ctx.env);
}

async function importCmd(
  ctx: CommandContext,
  file: string,
  name: string,
  options: { force?: boolean },
): Promise<CommandResult> {
  const r = await importVolume(
    file,
    name,
    { force: options.force === true, labels: await importLabels(ctx, name) },
    archiveDeps(ctx, `import ${name}`),
  );
  return {
    data: { volume: name, file, entries: r.entries, bytes: r.bytes, replaced: r.replaced },
    text: `imported ${r.entries} entries (${formatBytes(r.bytes)}) into ${name}${r.replaced ? " (replaced its contents)" : ""}`,
  };
}

async function fix(
  ctx: CommandContext,
  options: { external?: boolean; dryRun?: boolean; addMounts?: boolean },
): Promise<CommandResult> {
  const inv = await inventory(ctx);
  const files = [...new Set(inv.projects.flatMap((p) => p.files))];
  const texts: Record<string, string> = {};
  for (const f of files) texts[f] = readFileSync(f, "utf8");
  const actions = planFixes(inv.detection, inv.projects, texts, {
    external: options.external === true,
    addMounts: options.addMounts !== false,
  });
  const changed = applyFixes(actions, texts);
  const described = actions.map(describeFix);
  if (options.dryRun || Object.keys(changed).length === 0) {
    return {
      data: { dryRun: options.dryRun === true, changes: described, files: Object.keys(changed), backups: [] },
      text: described.length
        ? `${options.dryRun ? "would change" : "changes"}:\n${described.map((d) => `  ${d}`).join("\n")}`
        : "nothing to fix",
    };
  }
  const { backups } = writeFixedFiles(ctx.globals.projectDir, texts, changed, { env: ctx.env, log: ctx.log });
  return {
    data: { dryRun: false, changes: described, files: Object.keys(changed), backups },
    text: `changed ${Object.keys(changed).length} file(s):\n${described.map((d) => `  ${d}`).join("\n")}\nbackups: ${backups.join(", ")}\nnext: kiln volumes ensure`,
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
