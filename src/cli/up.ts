/**
 * `kiln up [SERVICE...]`: argv → app/up.ts (volumes, bake, compose up) → text; the bake is
 * recorded in the run history.
 */
import type { Command } from "commander";
import { upProject, type UpReport } from "../app/up.js";
import { EXIT } from "../core/errors.js";
import { createReporter } from "../report/progress/create-reporter.js";
import { attachTo, bakeOutcome, recorded, runRecorder } from "./run-history.js";
import { formatSummary } from "../report/summary.js";
import { outcomesOf, reportData } from "./bake.js";
import type { CommandResult } from "./output.js";
import { action, type CommandContext } from "./runtime.js";

interface UpFlags {
  bake?: boolean;
  volumes?: boolean;
  jobs?: string;
}

async function up(ctx: CommandContext, services: string[], flags: UpFlags): Promise<CommandResult> {
  const request = {
    globals: ctx.globals,
    env: ctx.env,
    signal: ctx.signal,
    services,
    bake: flags.bake !== false,
    volumes: flags.volumes !== false,
    jobs: Number(flags.jobs ?? 2) || 2,
  };
  const report = await upProject(request, ctx.ports, {
    // the bake is recorded in the run history as a run of `kiln up`
    bakeRun: () => {
      const recorder = runRecorder(
        ctx,
        "up",
        createReporter(
          ctx.globals.json && ctx.globals.progress === "auto" ? "plain" : ctx.globals.progress,
          process.stderr,
          ctx.env,
        ),
      );
      return {
        reporter: recorder,
        onLocked: attachTo(ctx, recorder),
        around: (bake) => recorded(ctx, recorder, bake, bakeOutcome),
      };
    },
  });
  return render(report);
}

function render(report: UpReport): CommandResult {
  const lines: string[] = [];
  const created = report.volumesCreated;
  if (created.length > 0) lines.push(`created volume(s) ${created.join(", ")}`);
  const bake = report.bake;
  if (bake) lines.push(formatSummary(outcomesOf(bake), bake.summary ?? {}));
  const bakeData = bake ? reportData(bake) : undefined;
  if (report.bakeFailed) {
    const failed = bake?.results.filter((r) => r.action === "failed") ?? [];
    lines.push(...failed.map((f) => `${f.service}: ${f.error?.message ?? f.reason} — nothing started`));
    return {
      data: { volumesCreated: created, bake: bakeData, started: [] },
      text: lines.join("\n"),
      exitCode: EXIT.failed,
    };
  }
  if (report.recreated.length > 0)
    lines.push(`recreated ${report.recreated.join(", ")} (the container ran an older image)`);
  lines.push(
    `started ${report.started.join(", ")} (project ${report.project ?? ""}, compose ${report.compose ?? ""})`,
  );
  return {
    data: {
      project: report.project,
      compose: report.compose,
      volumesCreated: created,
      bake: bakeData ?? null,
      recreated: report.recreated,
      started: report.started,
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
