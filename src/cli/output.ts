/**
 * What a command handler returns, and how it reaches the user: JSON on stdout with --json,
 * text otherwise. Logs and progress go to stderr.
 */
import { EXIT, KilnError, type ExitCode } from "../core/errors.js";

export interface CommandResult {
  /** the machine form: printed as JSON with --json */
  data: unknown;
  /** the human form */
  text: string;
  exitCode?: ExitCode;
}

export interface OutputStreams {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export const processStreams: OutputStreams = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

export function printResult(result: CommandResult, json: boolean, out: OutputStreams): void {
  if (json) out.stdout(`${JSON.stringify(result.data, null, 2)}\n`);
  else if (result.text !== "") out.stdout(result.text.endsWith("\n") ? result.text : `${result.text}\n`);
}

export function printError(error: unknown, json: boolean, debug: boolean, out: OutputStreams): ExitCode {
  const known = error instanceof KilnError;
  const code = known ? error.exitCode : EXIT.failed;
  if (json) {
    const body = known
      ? error.toJSON()
      : { code: "ERR_KILN_INTERNAL", message: error instanceof Error ? error.message : String(error) };
    out.stdout(`${JSON.stringify({ ok: false, error: body }, null, 2)}\n`);
  }
  const message = error instanceof Error ? error.message : String(error);
  const where = known && error.location ? `${error.location}: ` : "";
  out.stderr(`kiln: error: ${where}${message}\n`);
  if (known && error.hint) out.stderr(`hint: ${error.hint}\n`);
  if (!known) out.stderr("hint: this is a bug in kiln; rerun with --debug and report the stack trace\n");
  if (debug && error instanceof Error && error.stack) out.stderr(`${error.stack}\n`);
  return code;
}
