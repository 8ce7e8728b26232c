/**
 * `kiln config`: prints the resolved project model — services, build specs, image names,
 * volumes and their engine names, files, project name — like `docker compose config`.
 */
import type { Command } from "commander";
import { Option } from "commander";
import { stringify } from "yaml";
import { loadProject } from "../adapters/project-loader.js";
import type {
  ComposeVariant,
  LoadProjectOptions,
  ProjectModel,
  ServiceModel,
} from "../core/compose/model.js";
import { KilnError } from "../core/errors.js";
import { action, type CommandContext } from "./runtime.js";
import type { CommandResult } from "./output.js";

export function projectOptions(ctx: CommandContext, variant?: ComposeVariant): LoadProjectOptions {
  const g = ctx.globals;
  return {
    projectDir: g.projectDir,
    files: g.files,
    ...(g.projectName === undefined ? {} : { projectName: g.projectName }),
    profiles: g.profiles,
    envFiles: g.envFiles,
    env: ctx.env,
    ...(g.devcontainer === undefined ? {} : { devcontainer: g.devcontainer }),
    ...(variant === undefined ? {} : { variant }),
  };
}

/** the fields that say something: no empty lists/maps, no `false` */
function compact(value: Record<string, unknown>): Record<string, unknown> {
  const empty = (v: unknown): boolean =>
    v === false ||
    v === undefined ||
    (Array.isArray(v) && v.length === 0) ||
    (typeof v === "object" && v !== null && Object.keys(v).length === 0);
  return Object.fromEntries(Object.entries(value).filter(([, v]) => !empty(v)));
}

function summary(model: ProjectModel, showAll: boolean): Record<string, unknown> {
  const services = showAll ? model.allServices : model.services;
  return {
    name: model.name,
    projectDir: model.projectDir,
    files: model.files,
    ...(model.profiles.length > 0 ? { profiles: model.profiles } : {}),
    services: Object.fromEntries(
      services.map((s) => [
        s.name,
        {
          image: s.imageName,
          ...(s.build ? { build: compact(s.build as unknown as Record<string, unknown>) } : {}),
          ...(s.volumes.length > 0
            ? { volumes: s.volumes.map((v) => `${v.source ?? ""}:${v.target}${v.readOnly ? ":ro" : ""}`) }
            : {}),
          ...(s.profiles.length > 0 ? { profiles: s.profiles } : {}),
          ...(s.source.build
            ? {
                "build declared at": `${s.source.build.file}:${s.source.build.line} (${s.source.build.origin})`,
              }
            : {}),
        },
      ]),
    ),
    volumes: Object.fromEntries(
      Object.values(model.volumes).map((v) => [v.key, v.engineName + (v.external ? " (external)" : "")]),
    ),
  };
}

/** `kiln config web db`: only those services; an unknown name is a usage error */
function selectServices(model: ProjectModel, names: string[]): ProjectModel {
  if (names.length === 0) return model;
  const known = new Set(model.allServices.map((s) => s.name));
  const missing = names.find((n) => !known.has(n));
  if (missing !== undefined) {
    throw new KilnError("ERR_KILN_UNKNOWN_SERVICE", `no such service: ${missing}`, {
      location: model.files[model.files.length - 1],
      hint: `services in this project: ${[...known].join(", ")}`,
    });
  }
  const keep = (s: ServiceModel): boolean => names.includes(s.name);
  // as with `docker compose config web`, naming a service enables it whatever its profiles
  const selected = model.allServices.filter(keep);
  return { ...model, services: selected, allServices: selected };
}

async function config(
  ctx: CommandContext,
  names: string[],
  options: { variant?: ComposeVariant; all?: boolean; services?: boolean },
): Promise<CommandResult> {
  const model = selectServices(await loadProject(projectOptions(ctx, options.variant)), names);
  const list = options.all ? model.allServices : model.services;
  if (options.services) return { data: list.map((s) => s.name), text: list.map((s) => s.name).join("\n") };
  return { data: model, text: stringify(summary(model, options.all === true)) };
}

export function registerConfig(program: Command): void {
  program
    .command("config")
    .argument(
      "[services...]",
      "only these services (a service named here is shown even if its profile is off)",
    )
    .description(
      "print the resolved project: services, build specs, image names, volumes (like `docker compose config`)",
    )
    .addOption(
      new Option("--variant <variant>", "naming rules of the compose you use (default image names)").choices([
        "v2",
        "v1",
      ]),
    )
    .option("--all", "include services disabled by profiles")
    .option("--services", "print only the service names")
    .addHelpText(
      "after",
      "\nExamples:\n  kiln config\n  kiln config --json -f compose.yml -f compose.prod.yml\n  kiln config --devcontainer --services\n  kiln config web --json",
    )
    .action(action(config));
}
