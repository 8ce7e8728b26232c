/**
 * `kiln up [SERVICE...]`: the seed's setup script as one command — ensure the cache volumes,
 * bake what is stale, then `compose up -d` with the compose found (v2 plugin or v1).
 *
 * Containers that still run an image other than the baked one are recreated
 * (`--force-recreate` for those services only): compose keeps a container whose config did
 * not change, and the Dev Containers CLI reuses an existing container whatever its image.
 */
import type { Command } from "commander";
import { bakeProject } from "../app/bake-project.js";
import { requireCompose, type ComposeCli } from "../adapters/engine/compose-cli.js";
import { endpointFor, getEngine } from "../adapters/engine/index.js";
import type { Engine } from "../adapters/engine/types.js";
import { VolumeTransfer } from "../adapters/volumes/volume-transfer.js";
import { ensureVolumes } from "../adapters/volumes/ensure.js";
import { takeInventory } from "../adapters/volumes/inventory.js";
import { extraLabels } from "../adapters/volumes/labels.js";
import { runProcess } from "../adapters/process-runner.js";
import { loadProject } from "../adapters/project-loader.js";
import { ProjectFiles } from "../adapters/project-files.js";
import { existsSync } from "node:fs";
import { overridePath } from "../app/override-pins.js";
import { projectStateDir } from "../adapters/state/state-dir.js";
import type { LoadProjectOptions, ProjectModel } from "../core/compose/model.js";
import { loadOptions as projectLoadOptions } from "../app/open-project.js";
import { EXIT, KilnError } from "../core/errors.js";
import { createReporter } from "../report/progress/create-reporter.js";
import { attachTo, bakeSummaries, recorded, runRecorder } from "./run-history.js";
import { formatSummary } from "../report/summary.js";
import { outcomesOf, reportData } from "./bake.js";
import type { CommandResult } from "./output.js";
import { action, type CommandContext } from "./runtime.js";

export interface UpFlags {
  bake?: boolean;
  volumes?: boolean;
  jobs?: string;
}

const PROJECT_LABEL = "com.docker.compose.project";
const SERVICE_LABEL = "com.docker.compose.service";

function engineOf(ctx: CommandContext): { engine: Engine; transfer: VolumeTransfer } {
  const selection = { env: ctx.env, ...(ctx.globals.context ? { context: ctx.globals.context } : {}) };
  return { engine: getEngine(selection), transfer: new VolumeTransfer(endpointFor(selection), ctx.env) };
}

function loadOptions(ctx: CommandContext): LoadProjectOptions {
  return projectLoadOptions(ctx.globals, ctx.env);
}

/** the shared caches (with owners, via `kiln volumes ensure`), then any other external volume */
async function ensureProjectVolumes(
  ctx: CommandContext,
  model: ProjectModel,
  used: Set<string>,
  files: ProjectFiles,
): Promise<string[]> {
  const { engine, transfer } = engineOf(ctx);
  const inv = await takeInventory({
    projectDir: ctx.globals.projectDir,
    root: loadOptions(ctx),
    env: ctx.env,
    load: (o) => loadProject(o, files.io),
    readText: (file) => files.readText(file),
    engine,
    transfer,
  });
  const created = (await ensureVolumes(inv.detection, inv.states, { engine, transfer, env: ctx.env }))
    .filter((a) => a.created)
    .map((a) => a.name);
  // compose refuses to start with a missing external volume; one kiln does not see as a cache
  // still has to exist — created without kiln.managed: it is the user's data, never pruned (#12.6)
  for (const v of Object.values(model.volumes)) {
    if (!v.external || !used.has(v.key) || created.includes(v.engineName)) continue;
    if (await engine.volumeInspect(v.engineName)) continue;
    await engine.createVolume(v.engineName, extraLabels(ctx.env));
    created.push(v.engineName);
  }
  return created;
}

function composeArgs(compose: ComposeCli, model: ProjectModel): string[] {
  if (compose.tool === "podman-compose") {
    const unsupported = [
      ...model.envFiles.map((f) => `--env-file ${f}`),
      ...model.profiles.map((p) => `--profile ${p}`),
    ];
    if (unsupported.length > 0) {
      throw new KilnError(
        "ERR_KILN_USAGE",
        `podman-compose ${compose.version} has no ${unsupported.join(", ")}: it would start a different project than kiln baked`,
        {
          hint: "use docker compose against Podman's socket (unset KILN_COMPOSE; DOCKER_HOST=unix:///run/podman/podman.sock)",
        },
      );
    }
    return [...compose.argv, "-p", model.name, ...model.files.flatMap((f) => ["-f", f])];
  }
  return [
    ...compose.argv,
    "--project-name",
    model.name,
    "--project-directory",
    model.projectDir,
    ...model.files.flatMap((f) => ["-f", f]),
    ...model.envFiles.flatMap((f) => ["--env-file", f]),
    ...model.profiles.flatMap((p) => ["--profile", p]),
  ];
}

/** the project with kiln's override file (`bake --mode override`) as its last compose file */
async function withOverride(
  ctx: CommandContext,
  model: ProjectModel,
  files: ProjectFiles,
): Promise<ProjectModel> {
  const override = overridePath(projectStateDir(model.projectDir, ctx.env));
  if (!existsSync(override)) return model;
  const { devcontainer: _dc, ...options } = loadOptions(ctx);
  void _dc;
  return loadProject(
    {
      ...options,
      projectDir: model.projectDir,
      projectName: model.name,
      files: [...model.files, override],
      variant: model.variant,
    },
    files.io,
  );
}

/** services with a container whose image is not the one the (pinned) model names */
async function staleContainers(engine: Engine, model: ProjectModel, services: string[]): Promise<string[]> {
  const containers = await engine.listContainers({ all: true, labels: [`${PROJECT_LABEL}=${model.name}`] });
  const stale: string[] = [];
  for (const name of services) {
    const svc = model.services.find((s) => s.name === name);
    if (!svc?.image) continue;
    const want = await engine.imageInspect(svc.image);
    if (!want) continue;
    const mine = containers.filter((c) => c.labels[SERVICE_LABEL] === name);
    if (mine.some((c) => c.imageId !== want.id)) stale.push(name);
  }
  return stale;
}

/**
 * `files`: the run's project files (#14.3) — read once here, reused by the volumes, the bake and
 * the model compose is started with (the pin's writes update them; nothing is read again).
 */
export async function up(
  ctx: CommandContext,
  services: string[],
  flags: UpFlags,
  files: ProjectFiles = new ProjectFiles(),
): Promise<CommandResult> {
  // fail fast, with the engine's own hint, before touching volumes or building
  await engineOf(ctx).engine.version();
  const compose = await requireCompose({ env: ctx.env });
  const before = await loadProject({ ...loadOptions(ctx), variant: compose.variant }, files.io);
  for (const s of services) {
    if (!before.allServices.some((x) => x.name === s)) {
      throw new KilnError("ERR_KILN_UNKNOWN_SERVICE", `no service "${s}" in project ${before.name}`, {
        hint: `services: ${before.services.map((x) => x.name).join(", ")}`,
      });
    }
  }
  const selected = services.length > 0 ? services : before.services.map((s) => s.name);
  const used = new Set(
    before.services
      .filter((s) => selected.includes(s.name))
      .flatMap((s) => s.volumes.filter((v) => v.type === "volume").map((v) => v.source ?? "")),
  );
  const lines: string[] = [];
  const created = flags.volumes === false ? [] : await ensureProjectVolumes(ctx, before, used, files);
  if (created.length > 0) lines.push(`created volume(s) ${created.join(", ")}`);

  let bakeData: unknown;
  // bake decides freshness on the project as it was before any pin: call it even when pinned
  if (flags.bake !== false) {
    const recorder = runRecorder(
      ctx,
      "up",
      createReporter(
        ctx.globals.json && ctx.globals.progress === "auto" ? "plain" : ctx.globals.progress,
        process.stderr,
        ctx.env,
      ),
    );
    const bake = () =>
      bakeProject({
        globals: ctx.globals,
        env: ctx.env,
        signal: ctx.signal,
        mode: "bake",
        services,
        dryRun: false,
        jobs: Number(flags.jobs ?? 2) || 2,
        noCache: false,
        pull: false,
        purgeCaches: false,
        reporter: recorder,
        onLocked: attachTo(ctx, recorder),
        log: ctx.log,
        files,
      });
    const report = await recorded(ctx, recorder, bake, (r) => ({
      failed: r.results.some((x) => x.action === "failed"),
      services: bakeSummaries(r),
    }));
    bakeData = reportData(report);
    lines.push(formatSummary(outcomesOf(report), report.summary ?? {}));
    const failed = report.results.filter((r) => r.action === "failed");
    if (failed.length > 0) {
      lines.push(...failed.map((f) => `${f.service}: ${f.error?.message ?? f.reason} — nothing started`));
      return {
        data: { volumesCreated: created, bake: bakeData, started: [] },
        text: lines.join("\n"),
        exitCode: EXIT.failed,
      };
    }
  }

  // the model again: the compose file (or kiln's override file, after --mode override) now names
  // the baked images
  const model = await withOverride(
    ctx,
    await loadProject({ ...loadOptions(ctx), variant: compose.variant }, files.io),
    files,
  );
  const { engine } = engineOf(ctx);
  const recreate = await staleContainers(engine, model, selected);
  const base = composeArgs(compose, model);
  const run = (args: string[]) =>
    runProcess([...base, ...args], {
      env: { ...compose.env },
      // podman-compose has no --project-directory: relative paths resolve from where it runs
      ...(compose.tool === "podman-compose" ? { cwd: model.projectDir } : {}),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      onStderrLine: (line: string) => ctx.log(line),
    });
  if (recreate.length > 0) await run(["up", "-d", "--no-deps", "--force-recreate", ...recreate]);
  await run(["up", "-d", ...services]);
  if (recreate.length > 0) lines.push(`recreated ${recreate.join(", ")} (the container ran an older image)`);
  lines.push(`started ${selected.join(", ")} (project ${model.name}, compose ${compose.variant})`);
  return {
    data: {
      project: model.name,
      compose: compose.variant,
      volumesCreated: created,
      bake: bakeData ?? null,
      recreated: recreate,
      started: selected,
    },
    text: lines.join("\n"),
  };
}

export function registerUp(program: Command): void {
  program
    .command("up")
    .description(
      "ensure the cache volumes, bake what is stale, then compose up -d (recreating containers on older images)",
    )
    .argument("[services...]", "services to start (default: every service)")
    .option("--no-bake", "start what the compose file names now; build nothing")
    .option("--no-volumes", "do not create missing cache volumes")
    .option("--jobs <n>", "services built in parallel", "2")
    .addHelpText("after", "\nExamples:\n  kiln up\n  kiln up test-gen --project-dir examples/dukat/test-gen")
    .action(action((ctx, services: string[], flags: UpFlags) => up(ctx, services, flags)));
}
