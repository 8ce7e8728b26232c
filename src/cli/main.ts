/**
 * kiln's entry point: builds the commander program, installs the signal handlers and the one
 * top-level error handler.
 */
import { Command, CommanderError } from "commander";
import { EXIT } from "../core/errors.js";
import { killAllChildren } from "../adapters/process-runner.js";
import { addGlobalOptions } from "./globals.js";
import { COMMAND_NAMES, registerCommands } from "./commands.js";
import { kilnVersion } from "./version.js";
import { abortAll, lastExitCode } from "./runtime.js";
import { printError, processStreams } from "./output.js";
import { usageError } from "./usage-errors.js";
import { balancedWrap } from "./help-wrap.js";
import { stateDirError } from "../adapters/state/state-dir.js";

export { kilnVersion };

/**
 * The program; `only` registers just the command a run invokes (see registerCommands) — the
 * completion script and help build the whole program.
 */
export function buildProgram(only?: string): Command {
  const program = new Command("kiln")
    .description(
      "Fast, safe container builds for docker-compose and devcontainer projects.\n" +
        "Bakes each service's image with BuildKit and pins the compose file to it; knows by " +
        "content fingerprint what is fresh and what is stale.",
    )
    .version(kilnVersion(), "-V, --version")
    // parse errors are printed once, by main's handler, with a hint (usage-errors.ts)
    .configureOutput({ outputError: () => undefined })
    .configureHelp({ boxWrap: (text: string, width: number) => balancedWrap(text, width) })
    .exitOverride();
  addGlobalOptions(program);
  registerCommands(program, only);
  return program;
}

/**
 * The command a run invokes when its first argument names one and nothing asks for help; else
 * undefined (every command is registered: help lists them, an unknown one gets suggestions, the
 * completion script names them all).
 */
export function invokedCommand(argv: readonly string[]): string | undefined {
  const first = argv[2];
  // `completion` writes a script of every command: it needs them all
  if (first === undefined || first === "completion" || !COMMAND_NAMES.includes(first)) return undefined;
  return argv.some((a) => a === "-h" || a === "--help" || a === "help") ? undefined : first;
}

function wantsJson(argv: string[]): boolean {
  return argv.includes("--json");
}

function installSignalHandlers(): void {
  let count = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    count += 1;
    abortAll();
    killAllChildren("SIGTERM");
    if (count > 1) process.exit(EXIT.interrupted);
    process.stderr.write(`kiln: ${signal}: stopping builds…\n`);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
}

/**
 * A reader that goes away (`kiln bake --help | head -3`) makes the next write fail with EPIPE,
 * which Node raises as an unhandled 'error' event: a stack trace instead of the output's end.
 * What was not read is dropped and the run goes on (a bake piped into `head` still pins).
 */
function ignoreClosedReaders(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE" && error.code !== "ERR_STREAM_DESTROYED") throw error;
    });
  }
}

export async function main(argv: string[]): Promise<void> {
  installSignalHandlers();
  ignoreClosedReaders();
  const program = buildProgram(invokedCommand(argv));
  const json = wantsJson(argv);
  const debug = argv.includes("--debug") || process.env.KILN_DEBUG === "1";
  try {
    await program.parseAsync(argv);
    process.exitCode = lastExitCode;
  } catch (error: unknown) {
    if (error instanceof CommanderError) {
      // --help / --version exit through here with code 0
      if (error.exitCode === 0) {
        process.exitCode = 0;
        return;
      }
      process.exitCode = printError(usageError(error, program, argv), json, debug, processStreams);
      return;
    }
    process.exitCode = printError(stateDirError(error) ?? error, json, debug, processStreams);
  }
}
