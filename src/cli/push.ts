/**
 * `kiln push [SERVICE...]`: argv → app/push.ts → one line per service.
 */
import type { Command } from "commander";
import { pushProject } from "../app/push.js";
import { EXIT } from "../core/errors.js";
import { action, type CommandContext } from "./runtime.js";
import type { CommandResult } from "./output.js";

interface PushFlags {
  registry?: string;
}

async function push(ctx: CommandContext, services: string[], flags: PushFlags): Promise<CommandResult> {
  const report = await pushProject(
    {
      globals: ctx.globals,
      env: ctx.env,
      signal: ctx.signal,
      services,
      ...(flags.registry ? { registry: flags.registry } : {}),
    },
    ctx.ports,
  );
  const rows = report.services;
  const bad = rows.filter((r) => r.state === "failed" || r.state === "unbaked");
  const text = rows
    .map((r) =>
      r.state === "pushed"
        ? `${r.name}: pushed ${r.ref}`
        : r.state === "present"
          ? `${r.name}: already in the registry as ${r.ref}`
          : `${r.name}: ${r.state}: ${r.error ?? ""}`,
    )
    .join("\n");
  return {
    data: { registry: report.registry, services: rows },
    text,
    exitCode: bad.length > 0 ? EXIT.failed : EXIT.ok,
  };
}

export function registerPush(program: Command): void {
  program
    .command("push")
    .description("push the baked images of the current fingerprints to the registry (with inline cache)")
    .argument("[services...]", "services to push (default: every buildable service)")
    .option("--registry <location>", "HOST[:PORT]/PREFIX (default KILN_REGISTRY or x-kiln.registry)")
    .addHelpText(
      "after",
      "\nExamples:\n  kiln push --registry 127.0.0.1:5000/team/app\n  KILN_REGISTRY=registry.example.com/team kiln push api",
    )
    .action(action(push));
}
