/**
 * `kiln bake`, `kiln build` and `kiln rebuild`: one handler, three modes.
 *   bake     build what is stale, pin the compose files to the content-tagged images
 *   build    build and tag only (the seed's "simple" scripts)
 *   rebuild  restore, rebuild every layer (cache mounts kept), pin again
 */
import { Option, type Command } from "commander";
import { bakeProject, type BakeReport } from "../app/bake-project.js";
import { outcomeOf } from "../app/run-plan.js";
import { EXIT, KilnError } from "../core/errors.js";
import type { Plan, PlanMode } from "../core/plan/plan.js";
import { planReason } from "../report/plan-reason.js";
import { createReporter } from "../report/progress/create-reporter.js";
import { formatSummary } from "../report/summary.js";
import type { ServiceOutcome } from "../report/progress/reporter.js";
import { formatPlan } from "../report/plan-text.js";
import { reportPointer } from "../report/report-pointer.js";
import { action, type CommandContext } from "./runtime.js";
import { attachTo, bakeOutcome, recorded, runRecorder } from "./run-history.js";
import type { CommandResult } from "./output.js";
import { withReporter } from "../app/ports.js";

interface BakeFlags {
  dryRun?: boolean;
  jobs?: string;
  noCache?: boolean;
  pull?: boolean;
  purgeCaches?: boolean;
  mode?: "inplace" | "override";
  registry?: string;
  push?: boolean;
  all?: boolean;
}

function jobsOf(value: string | undefined): number {
  if (value === undefined) return 2;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new KilnError("ERR_KILN_USAGE", `--jobs must be a whole number ≥ 1, not "${value}"`, {
      hint: "e.g. --jobs 4",
    });
  }
  return n;
}

/** the results as the progress reporters and the summary see them */
export function outcomesOf(report: BakeReport): ServiceOutcome[] {
  return report.results.map(outcomeOf);
}

/** the plan with each target's cause also in words (`reason`, as before #14.4) */
function planJson(plan: Plan): unknown {
  return {
    ...plan,
    targets: plan.targets.map((t) => {
      const { cause, ...rest } = t;
      return { ...rest, reason: planReason(t), cause };
    }),
  };
}

export function reportData(report: BakeReport): unknown {
  if (report.dryRun) return { dryRun: true, plan: planJson(report.plan) };
  return {
    services: report.results.map((r) => ({
      name: r.service,
      image: r.image,
      action: r.action,
      reason: r.reason,
      durationMs: r.durationMs,
      steps: r.steps,
    })),
    pinned: report.pins?.pinned ?? [],
    files: report.pins?.files ?? [],
    ...(report.overrideFile ? { overrideFile: report.overrideFile } : {}),
    ...(report.devcontainerConfig ? { devcontainerConfig: report.devcontainerConfig } : {}),
  };
}

async function run(
  mode: PlanMode,
  ctx: CommandContext,
  services: string[],
  flags: BakeFlags,
): Promise<CommandResult> {
  if (flags.all && services.length > 0) {
    throw new KilnError("ERR_KILN_USAGE", "--all and service names exclude each other", {
      hint: `either \`kiln ${mode} --all\` or \`kiln ${mode} ${services.join(" ")}\``,
    });
  }
  const startedAt = Date.now();
  const recorder = runRecorder(
    ctx,
    mode,
    createReporter(
      ctx.globals.json && ctx.globals.progress === "auto" ? "plain" : ctx.globals.progress,
      process.stderr,
      ctx.env,
    ),
  );
  const bake = (): Promise<BakeReport> =>
    bakeProject(
      {
        globals: ctx.globals,
        env: ctx.env,
        signal: ctx.signal,
        mode,
        services,
        dryRun: flags.dryRun === true,
        jobs: jobsOf(flags.jobs),
        noCache: flags.noCache === true,
        pull: flags.pull === true,
        purgeCaches: flags.purgeCaches === true,
        all: flags.all === true,
        pinMode: flags.mode ?? "inplace",
        onLocked: attachTo(ctx, recorder),
        ...(flags.registry ? { registry: flags.registry } : {}),
        push: flags.push === true,
      },
      withReporter(ctx.ports, recorder),
    );
  const report = await recorded(ctx, recorder, bake, bakeOutcome);
  if (report.dryRun) return { data: reportData(report), text: formatPlan(report.plan) };
  const failed = report.results.filter((r) => r.action === "failed");
  const lines = [formatSummary(outcomesOf(report), report.summary ?? {})];
  // nothing pinned (no buildable service selected, or every build failed): no pin lines (#12.10)
  const pinnedAny = (report.pins?.pinned.length ?? 0) > 0;
  if (report.overrideFile && report.devcontainerConfig && pinnedAny) {
    lines.push(`pinned ${report.pins?.pinned.join(", ") ?? ""} in ${report.overrideFile}`);
    lines.push(
      `open the devcontainer with kiln's config: ${report.devcontainerConfig} (VS Code: Reopen in Container, pick the "(kiln)" one; CLI: devcontainer up --workspace-folder <folder> --config ${report.devcontainerConfig})`,
    );
  } else if (report.overrideFile && pinnedAny) {
    lines.push(`pinned ${report.pins?.pinned.join(", ") ?? ""} in ${report.overrideFile}`);
    lines.push(
      `use it as the last compose file: docker compose ${project(report)} -f ${report.overrideFile} up (kiln up does this)`,
    );
  } else if (!report.overrideFile && report.pins && report.pins.files.length > 0 && pinnedAny) {
    lines.push(`pinned ${report.pins.pinned.join(", ")} in ${report.pins.files.join(", ")}`);
  }
  const pushFailed = (report.pushed ?? []).filter((p) => p.state === "failed");
  for (const p of report.pushed ?? []) {
    if (p.state === "present") lines.push(`${p.service}: already in the registry as ${p.ref}`);
    else if (p.state === "pushed") lines.push(`${p.service}: pushed ${p.ref}`);
  }
  for (const p of pushFailed) {
    ctx.log(`kiln: push of ${p.service} failed: ${p.error?.message ?? ""}`);
    if (p.error?.hint) ctx.log(`hint: ${p.error.hint}`);
  }
  for (const f of failed)
    lines.push(
      `\n${f.service}: ${f.error?.message ?? f.reason}${f.error?.hint ? `\nhint: ${f.error.hint}` : ""}`,
    );
  const pointer = reportPointer({
    durationMs: Date.now() - startedAt,
    failed: failed.length > 0,
    ...(ctx.globals.projectDirExplicit ? { projectDir: ctx.globals.projectDir } : {}),
  });
  if (pointer) lines.push(pointer);
  return {
    data: reportData(report),
    text: lines.join("\n"),
    exitCode: failed.length > 0 || pushFailed.length > 0 ? EXIT.failed : EXIT.ok,
  };
}

function project(report: BakeReport): string {
  return report.plan.files.map((f) => `-f ${f}`).join(" ");
}

function addBuildOptions(cmd: Command, mode: PlanMode): Command {
  cmd
    .argument("[services...]", "services to build (default: every buildable service)")
    .option("--dry-run", "print the plan (what would be built and why) and change nothing")
    .option("--jobs <n>", "services built in parallel", "2")
    .option("--pull", "pull newer base images")
    .option("--purge-caches", "also empty BuildKit cache mounts (docker build --no-cache)")
    .option(
      "--registry <location>",
      "HOST[:PORT]/PREFIX to pull baked images from (and push to); default KILN_REGISTRY or x-kiln.registry",
    );
  cmd.option("--push", "push the baked images (with inline cache) to the registry");
  cmd.option("--all", "every buildable service, also those the devcontainer does not start (runServices)");
  if (mode !== "rebuild") cmd.option("--no-cache", "rebuild every layer (cache mounts are kept)");
  if (mode !== "build")
    cmd.addOption(
      new Option("--mode <mode>", "how to pin").choices(["inplace", "override"]).default("inplace"),
    );
  return cmd;
}

export function registerBake(program: Command): void {
  addBuildOptions(
    program
      .command("bake")
      .description("build the stale services with BuildKit and pin the compose file to their images")
      .addHelpText(
        "after",
        "\nExamples:\n  kiln bake                 # every buildable service\n  kiln bake api --dry-run   # the plan for one service\n  kiln bake --json",
      ),
    "bake",
  ).action(action((ctx, services: string[], flags: BakeFlags) => run("bake", ctx, services, flags)));

  addBuildOptions(
    program
      .command("build")
      .description("build and tag the stale services, without pinning")
      .addHelpText("after", "\nExamples:\n  kiln build\n  kiln build test-gen --jobs 1"),
    "build",
  ).action(action((ctx, services: string[], flags: BakeFlags) => run("build", ctx, services, flags)));

  addBuildOptions(
    program
      .command("rebuild")
      .description("rebuild from scratch: restore, rebuild every layer (cache mounts kept), pin again")
      .addHelpText("after", "\nExamples:\n  kiln rebuild\n  kiln rebuild devcontainer --purge-caches"),
    "rebuild",
  ).action(action((ctx, services: string[], flags: BakeFlags) => run("rebuild", ctx, services, flags)));
}
