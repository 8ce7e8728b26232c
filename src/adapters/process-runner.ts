/**
 * The one way kiln starts a process: an argument array (never a shell string), cwd, env,
 * timeout, abort signal, streamed lines. Children are tracked so Ctrl-C / SIGTERM kills them.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { BUG_HINT, KilnError } from "../core/errors.js";

export interface RunOptions {
  cwd?: string;
  /** full environment for the child; defaults to process.env */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** text written to the child's stdin, then stdin is closed */
  input?: string | Buffer;
  onStdoutLine?: (line: string) => void;
  onStderrLine?: (line: string) => void;
  /** resolve instead of rejecting on a non-zero exit */
  allowFailure?: boolean;
  /** keep at most this many bytes of each stream (tail) — default 4 MiB */
  maxBuffer?: number;
}

export interface RunResult {
  args: readonly string[];
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export class ProcessError extends KilnError {
  readonly args: readonly string[];
  readonly processExitCode: number | null;
  readonly stdout: string;
  readonly stderrTail: string;

  constructor(args: readonly string[], exitCode: number | null, stdout: string, stderr: string, why: string) {
    const tail = lastLines(stderr, 20);
    super("ERR_KILN_PROCESS_FAILED", `${args.join(" ")} ${why}${tail ? `:\n${tail}` : ""}`, {
      hint: `run it yourself to see all of its output: ${args.join(" ")}`,
    });
    this.name = "ProcessError";
    this.args = args;
    this.processExitCode = exitCode;
    this.stdout = stdout;
    this.stderrTail = tail;
  }
}

export type ProcessRunner = (args: readonly string[], options?: RunOptions) => Promise<RunResult>;

const live = new Set<ChildProcess>();

/** told of every child kiln starts and ends (the state dir's child records, for orphan clean-up) */
export interface ChildObserver {
  started(pid: number, args: readonly string[]): void;
  ended(pid: number): void;
}
let observer: ChildObserver | undefined;

export function setChildObserver(next: ChildObserver | undefined): void {
  observer = next;
}

/** Kills every child kiln started (process group included). Used by the signal handler. */
export function killAllChildren(signal: NodeJS.Signals = "SIGTERM"): void {
  for (const child of live) {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      child.kill(signal);
    }
  }
}

export function liveChildCount(): number {
  return live.size;
}

export function lastLines(text: string, count: number): string {
  const lines = text.replace(/\s+$/, "").split("\n");
  return lines.slice(-count).join("\n");
}

class LineSplitter {
  private rest = "";
  constructor(private readonly emit: ((line: string) => void) | undefined) {}
  push(chunk: string): void {
    if (!this.emit) return;
    const text = this.rest + chunk;
    const parts = text.split(/\r?\n/);
    this.rest = parts.pop() ?? "";
    for (const p of parts) this.emit(p);
  }
  end(): void {
    if (this.emit && this.rest !== "") this.emit(this.rest);
    this.rest = "";
  }
}

function keepTail(buffer: string, chunk: string, max: number): string {
  const next = buffer + chunk;
  return next.length > max ? next.slice(next.length - max) : next;
}

export const runProcess: ProcessRunner = (args, options = {}) => {
  if (args.length === 0)
    throw new KilnError("ERR_KILN_INTERNAL", "runProcess called with no arguments", { hint: BUG_HINT });
  const [command, ...rest] = args as [string, ...string[]];
  const max = options.maxBuffer ?? 4 * 1024 * 1024;
  const started = Date.now();
  return new Promise<RunResult>((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(
        new KilnError("ERR_KILN_INTERRUPTED", `${command} not started: interrupted`, {
          hint: "run the command again to finish",
        }),
      );
      return;
    }
    const child = spawn(command, rest, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["pipe", "pipe", "pipe"],
      // own process group, so a kill reaches grandchildren (docker → buildx plugin)
      detached: true,
    });
    live.add(child);
    const watcher = observer;
    const pid = child.pid;
    if (pid !== undefined) watcher?.started(pid, args);
    const forget = (): void => {
      if (pid !== undefined) watcher?.ended(pid);
    };
    let stdout = "";
    let stderr = "";
    let why: string | undefined;
    const out = new LineSplitter(options.onStdoutLine);
    const err = new LineSplitter(options.onStderrLine);
    child.stdout.setEncoding("utf8").on("data", (c: string) => {
      stdout = keepTail(stdout, c, max);
      out.push(c);
    });
    child.stderr.setEncoding("utf8").on("data", (c: string) => {
      stderr = keepTail(stderr, c, max);
      err.push(c);
    });
    const kill = (reason: string): void => {
      why ??= reason;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGTERM");
      } catch {
        child.kill("SIGTERM");
      }
    };
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => kill(`timed out after ${options.timeoutMs} ms`), options.timeoutMs);
    const onAbort = (): void => kill("was interrupted");
    options.signal?.addEventListener("abort", onAbort, { once: true });
    child.stdin.on("error", () => undefined);
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();

    child.on("error", (e: NodeJS.ErrnoException) => {
      live.delete(child);
      forget();
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      if (e.code === "ENOENT") {
        reject(
          new KilnError("ERR_KILN_PROCESS_FAILED", `${command}: command not found`, {
            cause: e,
            hint: `install ${command} or put it on PATH`,
          }),
        );
      } else reject(new ProcessError(args, null, stdout, stderr, `could not start (${e.message})`));
    });
    child.on("close", (code, signal) => {
      live.delete(child);
      forget();
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      out.end();
      err.end();
      const exitCode = code ?? 128;
      const result: RunResult = { args, exitCode, stdout, stderr, durationMs: Date.now() - started };
      if (why !== undefined) {
        if (options.signal?.aborted) {
          reject(
            new KilnError("ERR_KILN_INTERRUPTED", `${command} ${why}`, {
              hint: "run the command again to finish",
            }),
          );
        } else reject(new ProcessError(args, code, stdout, stderr, why));
        return;
      }
      if (exitCode !== 0 && !options.allowFailure) {
        reject(
          new ProcessError(
            args,
            code,
            stdout,
            stderr,
            signal ? `was killed by ${signal}` : `exited with ${exitCode}`,
          ),
        );
        return;
      }
      resolve(result);
    });
  });
};
