/**
 * Wraps a command handler: reads the global options, runs the handler, prints its result.
 * Errors propagate to the one top-level handler in main.ts.
 */
import type { Command } from "commander";
import { builderContext } from "../adapters/engine/builder-context.js";
import type { Ports } from "../app/ports.js";
import { realPorts } from "../adapters/real-ports.js";
import { quietReporter } from "../report/progress/create-reporter.js";
import { readGlobals, type GlobalOptions } from "./globals.js";
import { printResult, processStreams, type CommandResult, type OutputStreams } from "./output.js";

export interface CommandContext {
  globals: GlobalOptions;
  out: OutputStreams;
  env: NodeJS.ProcessEnv;
  /** aborted on Ctrl-C / SIGTERM */
  signal: AbortSignal;
  /** a log line on stderr (suppressed by --progress quiet) */
  log: (line: string) => void;
  /**
   * the use cases' outside world, built once per command (app/ports.ts); its reporter is quiet:
   * a command that shows build progress passes its own (`withReporter(ctx.ports, reporter)`)
   */
  ports: Ports;
}

const controller = new AbortController();
export const rootSignal: AbortSignal = controller.signal;
export function abortAll(): void {
  controller.abort();
}

/** the exit code of the last command run, for main() */
export let lastExitCode: number = 0;

export function makeContext(command: Command): CommandContext {
  const globals = readGlobals(command);
  const out = processStreams;
  const env =
    globals.builder === undefined ? process.env : { ...process.env, BUILDX_BUILDER: globals.builder };
  const log = (line: string): void => {
    if (globals.progress !== "quiet") out.stderr(`${line}\n`);
  };
  return {
    globals,
    out,
    env,
    signal: rootSignal,
    log,
    ports: portsFor(env, globals.context, log),
  };
}

function portsFor(env: NodeJS.ProcessEnv, context: string | undefined, log: (line: string) => void): Ports {
  return realPorts({ env, ...(context ? { context } : {}), reporter: quietReporter, log });
}

/** commands that never talk to an engine: a selected builder is not looked at */
const OFFLINE_COMMANDS = new Set(["lint", "completion", "history", "report"]);

/**
 * commander action adapter. `handler` receives the context and the command's own parsed
 * arguments/options (as commander passes them).
 */
export function action<A extends unknown[]>(
  handler: (ctx: CommandContext, ...args: A) => Promise<CommandResult>,
): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const ctx = makeContext(command);
    if (!OFFLINE_COMMANDS.has(command.name())) {
      const chosen = await builderContext(ctx.globals, ctx.env);
      if (chosen.context !== undefined) {
        // a docker-driver builder's context is the engine's context too (adapters/engine/builder-context.ts)
        ctx.globals = { ...ctx.globals, ...chosen };
        ctx.ports = portsFor(ctx.env, ctx.globals.context, ctx.log);
      }
    }
    const result = await handler(ctx, ...(args.slice(0, -1) as A));
    printResult(result, ctx.globals.json, ctx.out);
    lastExitCode = result.exitCode ?? 0;
  };
}
