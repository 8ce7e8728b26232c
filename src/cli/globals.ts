/**
 * Global options shared by every command, read once from commander's merged option bag.
 */
import { Option, type Command } from "commander";
import path from "node:path";
import type { ProjectRequest } from "../app/request.js";

export type ProgressMode = "auto" | "tty" | "plain" | "quiet" | "json";

/** The CLI's globals: a use-case request (project selection, context) plus output settings. */
export interface GlobalOptions extends ProjectRequest {
  /** --builder: the run's environment gets BUILDX_BUILDER=NAME, as buildx itself reads it */
  builder?: string;
  json: boolean;
  progress: ProgressMode;
  debug: boolean;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function addGlobalOptions(program: Command): Command {
  return program
    .option("--project-dir <dir>", "the project directory (default: current directory)")
    .option("-f, --file <file>", "compose file (repeatable; later files override earlier)", collect)
    .option("-p, --project-name <name>", "compose project name")
    .option("--profile <profile>", "enable a compose profile (repeatable)", collect)
    .option("--env-file <file>", "an environment file for interpolation (repeatable)", collect)
    .option("--devcontainer [path]", "use a devcontainer.json (auto-detected when omitted)")
    .option("--context <name>", "docker context to use")
    .option(
      "--builder <name>",
      "buildx builder to build with (default: BUILDX_BUILDER, else the engine's own)",
    )
    .option("--json", "print machine-readable JSON on stdout (logs stay on stderr)")
    .addOption(
      new Option("--progress <mode>", "progress output")
        .choices(["auto", "tty", "plain", "quiet", "json"])
        .default("auto"),
    )
    .option("--debug", "print stack traces and debug logs");
}

interface RawGlobals {
  projectDir?: string;
  file?: string[];
  projectName?: string;
  profile?: string[];
  envFile?: string[];
  devcontainer?: string | boolean;
  context?: string;
  builder?: string;
  json?: boolean;
  progress?: ProgressMode;
  debug?: boolean;
}

export function readGlobals(command: Command, env: NodeJS.ProcessEnv = process.env): GlobalOptions {
  const raw = command.optsWithGlobals<RawGlobals>();
  const projectDir = path.resolve(raw.projectDir ?? process.cwd());
  const devcontainer =
    raw.devcontainer === true
      ? true
      : typeof raw.devcontainer === "string"
        ? path.resolve(raw.devcontainer) // like -f: relative to where kiln runs, not --project-dir
        : undefined;
  return {
    projectDir,
    projectDirExplicit: raw.projectDir !== undefined,
    files: (raw.file ?? []).map((f) => path.resolve(f)),
    ...(raw.projectName === undefined ? {} : { projectName: raw.projectName }),
    profiles: raw.profile ?? [],
    envFiles: (raw.envFile ?? []).map((f) => path.resolve(f)),
    ...(devcontainer === undefined ? {} : { devcontainer }),
    ...(raw.context === undefined ? {} : { context: raw.context }),
    ...(raw.builder === undefined ? {} : { builder: raw.builder }),
    json: raw.json === true,
    progress: raw.progress ?? "auto",
    debug: raw.debug === true || env.KILN_DEBUG === "1",
  };
}
