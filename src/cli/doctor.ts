/**
 * `kiln doctor`: checks the engine (and, as more checks land, the project) and says what to
 * type to fix each problem.
 */
import type { Command } from "commander";
import { engineChecks } from "../adapters/doctor/engine-checks.js";
import { projectChecks } from "../app/doctor/project-checks.js";
import { formatChecks, worst, type CheckResult } from "../core/doctor/check.js";
import { EXIT } from "../core/errors.js";
import { colorEnabled } from "../report/color.js";
import { action, type CommandContext } from "./runtime.js";
import type { CommandResult } from "./output.js";

/** Project checks register here (kept as a list so each check lives in its own file). */
export type ProjectCheckProvider = (
  ctx: CommandContext,
  options: { fix: boolean; engineReachable: boolean },
) => Promise<CheckResult[]>;
export const projectCheckProviders: ProjectCheckProvider[] = [
  (ctx, options) => projectChecks({ globals: ctx.globals, env: ctx.env, ports: ctx.ports, ...options }),
];

async function doctor(ctx: CommandContext, options: { fix?: boolean }): Promise<CommandResult> {
  const env = ctx.env;
  const engine = await engineChecks({
    env,
    ...(ctx.globals.context ? { context: ctx.globals.context } : {}),
  });
  const checks = [...engine.checks];
  for (const provider of projectCheckProviders) {
    checks.push(...(await provider(ctx, { fix: options.fix === true, engineReachable: engine.reachable })));
  }
  const status = worst(checks);
  const exitCode = !engine.reachable ? EXIT.engine : status === "fail" ? EXIT.failed : EXIT.ok;
  return {
    data: {
      checks: checks.map(({ id, status: s, message, hint }) => ({
        id,
        status: s,
        message,
        ...(hint ? { hint } : {}),
      })),
    },
    text: formatChecks(checks, colorEnabled(process.stdout, env)),
    exitCode,
  };
}

export function registerDoctor(program: Command): void {
  program
    .command("doctor")
    .description("check the Docker engine, BuildKit, compose and the project; say how to fix each problem")
    .option("--fix", "apply the safe fixes")
    .addHelpText(
      "after",
      "\nExamples:\n  kiln doctor\n  kiln doctor --json\n  DOCKER_HOST=tcp://build-box:2375 kiln doctor",
    )
    .action(action(doctor));
}
