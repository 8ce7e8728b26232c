/**
 * `kiln pull [SERVICE...]`: fetch the baked images of the current fingerprints from the
 * registry and give them their local content-tagged names — no build, no pin.
 */
import type { Command } from "commander";
import { planProject } from "../app/bake-project.js";
import { dockerClient } from "../adapters/engine/client.js";
import { pullBaked } from "../adapters/registry/transfer.js";
import { EXIT, KilnError } from "../core/errors.js";
import { action, type CommandContext } from "./runtime.js";
import type { CommandResult } from "./output.js";
import { NO_REGISTRY_HINT } from "./push.js";
import { isFresh } from "../core/plan/plan.js";
import { quietReporter } from "../report/progress/create-reporter.js";
import type { RunRecorder } from "../adapters/history/run-recorder.js";
import { attachTo, recorded, runRecorder } from "./run-history.js";

interface PullFlags {
  registry?: string;
}

type Row = {
  name: string;
  image: string;
  state: "pulled" | "present" | "missing" | "failed";
  reason: string;
};

async function pull(ctx: CommandContext, services: string[], flags: PullFlags): Promise<CommandResult> {
  const recorder = runRecorder(ctx, "pull", quietReporter);
  return recorded(
    ctx,
    recorder,
    () => pullServices(ctx, services, flags, recorder),
    (r) => ({ failed: (r.exitCode ?? 0) !== 0, services: [] }),
  );
}

async function pullServices(
  ctx: CommandContext,
  services: string[],
  flags: PullFlags,
  recorder: RunRecorder,
): Promise<CommandResult> {
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
  attachTo(
    ctx,
    recorder,
  )({ projectDir: planned.project.model.projectDir, stateDir: planned.project.stateDir });
  if (!registry)
    throw new KilnError("ERR_KILN_USAGE", "kiln pull needs a registry", { hint: NO_REGISTRY_HINT });
  const selected = planned.plan.targets.filter((t) => services.length === 0 || services.includes(t.service));
  const client = await dockerClient({
    env: ctx.env,
    ...(ctx.globals.context ? { context: ctx.globals.context } : {}),
  });
  const rows: Row[] = [];
  const note = (row: Row, startedAt: number): void => {
    recorder.serviceFinished({
      service: row.name,
      image: row.image,
      action: row.state === "pulled" ? "pulled" : row.state === "present" ? "skipped" : "failed",
      reason: row.reason,
      durationMs: Date.now() - startedAt,
      steps: { total: 0, cached: 0 },
    });
  };
  for (const t of selected) {
    const startedAt = Date.now();
    const base = { name: t.service, image: t.imageRef };
    if (isFresh(t)) {
      rows.push({ ...base, state: "present", reason: "already on the engine" });
      note(rows[rows.length - 1], startedAt);
      continue;
    }
    const lookup = registry.lookups.get(t.service);
    if (lookup?.state !== "found") {
      const why =
        lookup?.state === "error"
          ? lookup.error.message
          : lookup?.state === "mismatch"
            ? `${lookup.ref} carries another fingerprint`
            : `no ${lookup?.ref ?? "image"} in ${registry.client.name}`;
      rows.push({ ...base, state: "missing", reason: why });
      note(rows[rows.length - 1], startedAt);
      continue;
    }
    try {
      await pullBaked(t, {
        client,
        engine: planned.engine,
        registry: registry.client.location,
        signal: ctx.signal,
      });
      rows.push({ ...base, state: "pulled", reason: `pulled ${lookup.ref}` });
    } catch (error: unknown) {
      if (error instanceof KilnError && error.code === "ERR_KILN_INTERRUPTED") throw error;
      rows.push({ ...base, state: "failed", reason: error instanceof Error ? error.message : String(error) });
    }
    note(rows[rows.length - 1], startedAt);
  }
  const bad = rows.filter((r) => r.state === "missing" || r.state === "failed");
  return {
    data: { registry: registry.client.name, services: rows },
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
