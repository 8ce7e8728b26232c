/**
 * `kiln push [SERVICE...]`: push the baked, content-tagged images of the current fingerprints
 * to the registry (with the inline cache they were built with), skipping what it already holds.
 */
import type { Command } from "commander";
import { planProject } from "../app/bake-project.js";
import { pushTargets } from "../app/bake-steps.js";
import { EXIT, KilnError } from "../core/errors.js";
import { isFresh } from "../core/plan/plan.js";
import { planReason } from "../report/plan-reason.js";
import { action, type CommandContext } from "./runtime.js";
import type { CommandResult } from "./output.js";

interface PushFlags {
  registry?: string;
}

export const NO_REGISTRY_HINT =
  "add --registry HOST[:PORT]/PREFIX, set KILN_REGISTRY, or set x-kiln.registry in the compose file";

async function push(ctx: CommandContext, services: string[], flags: PushFlags): Promise<CommandResult> {
  const planned = await planProject(
    {
      globals: ctx.globals,
      env: ctx.env,
      mode: "build",
      services,
      noCache: false,
      ...(flags.registry ? { registry: flags.registry } : {}),
    },
    ctx.ports,
  );
  const registry = planned.registry;
  if (!registry)
    throw new KilnError("ERR_KILN_USAGE", "kiln push needs a registry", { hint: NO_REGISTRY_HINT });
  const selected = planned.plan.targets.filter((t) => services.length === 0 || services.includes(t.service));
  const unbaked = selected.filter((t) => !isFresh(t));
  const baked = selected.filter((t) => !unbaked.includes(t));
  const outcomes = await pushTargets(registry, planned.engine, baked, {
    globals: ctx.globals,
    env: ctx.env,
    services,
    signal: ctx.signal,
    log: ctx.log,
  });
  const rows = [
    ...outcomes.map((o) => ({
      name: o.service,
      ref: o.ref,
      state: o.state,
      ...(o.error ? { error: o.error.message } : {}),
    })),
    ...unbaked.map((t) => ({
      name: t.service,
      ref: "",
      state: "unbaked" as const,
      error: `not baked for its current fingerprint (${planReason(t)}); run \`kiln bake ${t.service}\` first`,
    })),
  ].sort((a, b) => a.name.localeCompare(b.name));
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
    data: { registry: registry.client.name, services: rows },
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
