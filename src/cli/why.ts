/**
 * `kiln why [SERVICE...]`: why a service is stale — what changed since its image was built and
 * the first Dockerfile step whose cache will miss.
 */
import type { Command } from "commander";
import { whyProject } from "../app/why.js";
import { formatWhy } from "../report/why-text.js";
import { action, type CommandContext } from "./runtime.js";
import type { CommandResult } from "./output.js";

async function why(
  ctx: CommandContext,
  services: string[],
  flags: { registry?: string },
): Promise<CommandResult> {
  const report = await whyProject(ctx.globals, ctx.env, services, ctx.ports, {
    ...(flags.registry ? { registry: flags.registry } : {}),
  });
  return { data: { services: report.services }, text: formatWhy(report) };
}

export function registerWhy(program: Command): void {
  program
    .command("why")
    .argument("[services...]", "services to explain (default: every buildable service)")
    .description(
      "say why a service would be rebuilt: the inputs that changed since its image was built and the first step whose cache will miss",
    )
    .option(
      "--registry <location>",
      "HOST[:PORT]/PREFIX: also say which fingerprint the registry holds; default KILN_REGISTRY or x-kiln.registry",
    )
    .addHelpText(
      "after",
      "\nExamples:\n  kiln why\n  kiln why api --json\n  kiln why api --registry 127.0.0.1:5000/team",
    )
    .action(action(why));
}
