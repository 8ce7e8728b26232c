/**
 * `kiln bundle export FILE [SERVICE...]` and `kiln bundle import FILE`: baked images (and,
 * with --cache-mounts, the contents of their BuildKit cache mounts) in one checksummed file,
 * for machines that cannot reach a registry and for CI caches.
 */
import type { Command } from "commander";
import { exportBundle } from "../app/export-bundle.js";
import { importBundle } from "../app/import-bundle.js";
import { action, type CommandContext } from "./runtime.js";
import type { CommandResult } from "./output.js";

async function exportCmd(
  ctx: CommandContext,
  file: string,
  services: string[],
  flags: { cacheMounts?: boolean },
): Promise<CommandResult> {
  const r = await exportBundle(
    {
      globals: ctx.globals,
      env: ctx.env,
      file,
      services,
      cacheMounts: flags.cacheMounts === true,
      signal: ctx.signal,
      log: ctx.log,
    },
    ctx.ports,
  );
  const caches = r.manifest.caches.map((c) => ({
    id: c.id,
    service: c.service,
    size: c.size,
    sha256: c.sha256,
  }));
  return {
    data: {
      file: r.file,
      size: r.size,
      durationMs: r.durationMs,
      services: r.manifest.services,
      images: { size: r.manifest.images.size, sha256: r.manifest.images.sha256 },
      caches,
    },
    text: [
      `wrote ${r.file}: ${r.manifest.services.map((s) => `${s.name} (${s.image})`).join(", ")}`,
      ...caches.map((c) => `cache mount ${c.id} (${c.service}): ${c.size} bytes`),
    ].join("\n"),
  };
}

async function importCmd(
  ctx: CommandContext,
  file: string,
  flags: { cacheMounts?: boolean },
): Promise<CommandResult> {
  const r = await importBundle(
    {
      env: ctx.env,
      ...(ctx.globals.context ? { context: ctx.globals.context } : {}),
      file,
      noCacheMounts: flags.cacheMounts === false,
      signal: ctx.signal,
      log: ctx.log,
    },
    ctx.ports,
  );
  return {
    data: {
      file: r.file,
      durationMs: r.durationMs,
      project: r.manifest.project,
      services: r.manifest.services,
      cachesSeeded: r.cachesSeeded,
    },
    text: [
      `loaded ${r.manifest.services.map((s) => `${s.name} (${s.image})`).join(", ")}`,
      ...r.cachesSeeded.map((id) => `re-seeded cache mount ${id}`),
      "run `kiln bake` in the project to pin them (nothing will be built)",
    ].join("\n"),
  };
}

export function registerBundle(program: Command): void {
  const bundle = program
    .command("bundle")
    .description("move baked images (and build cache mounts) without a registry: export / import a file");
  bundle
    .command("export")
    .description("write the baked images of the current fingerprints (and --cache-mounts) to FILE")
    .argument("<file>", "the bundle to write (a tar)")
    .argument("[services...]", "services to include (default: every buildable service)")
    .option("--cache-mounts", "also include the contents of the services' BuildKit cache mounts")
    .addHelpText(
      "after",
      "\nExamples:\n  kiln bundle export app.kiln\n  kiln bundle export ci-cache.kiln api --cache-mounts",
    )
    .action(action(exportCmd));
  bundle
    .command("import")
    .description("verify FILE's checksums, load its images, and re-seed its cache mounts")
    .argument("<file>", "a bundle made by `kiln bundle export`")
    .option("--no-cache-mounts", "load the images only")
    .addHelpText("after", "\nExamples:\n  kiln bundle import app.kiln && kiln bake")
    .action(action(importCmd));
}
