/**
 * `kiln pull [SERVICE...]`: argv → app/pull.ts (recorded in the run history) → one line per
 * service.
 */
import type { Command } from "commander";
import { pullProject, type PullReport } from "../app/pull.js";
import { EXIT } from "../core/errors.js";
import { action, type CommandContext } from "./runtime.js";
import type { CommandResult } from "./output.js";
import { withReporter } from "../app/ports.js";
import { quietReporter } from "../report/progress/create-reporter.js";
import { attachTo, recorded, runRecorder } from "./run-history.js";

interface PullFlags {
  registry?: string;
}

async function pull(ctx: CommandContext, services: string[], flags: PullFlags): Promise<CommandResult> {
  const recorder = runRecorder(ctx, "pull", quietReporter);
  return recorded(
    ctx,
    recorder,
    async () =>
      render(
        await pullProject(
          {
            globals: ctx.globals,
            env: ctx.env,
            signal: ctx.signal,
            services,
            ...(flags.registry ? { registry: flags.registry } : {}),
            onOpened: attachTo(ctx, recorder),
          },
          withReporter(ctx.ports, recorder),
        ),
      ),
    (r) => ({ failed: (r.exitCode ?? 0) !== 0, services: [] }),
  );
}

function render(report: PullReport): CommandResult {
  const rows = report.services;
  const bad = rows.filter((r) => r.state === "missing" || r.state === "failed");
  return {
    data: { registry: report.registry, services: rows },
    text: rows.map((r) => `${r.name}: ${r.state} (${r.reason})`).join("\n"),
    exitCode: bad.length > 0 ? EXIT.failed : EXIT.ok,
  };
}

export function registerPull(program: Command): void {
  program
    .command("pull")
    .description("fetch the baked images of the current fingerprints from the registry (no build, no pin)")
    .argument("[services...]", "services to pull (default: every buildable service)")
    .option("--registry <location>", "HOST[:PORT]/PREFIX (default KILN_REGISTRY or x-kiln.registry)")
    .addHelpText(
      "after",
      "\nExamples:\n  kiln pull --registry 127.0.0.1:5000/team/app\n  kiln bake   # pins what was pulled",
    )
    .action(action(pull));
}
