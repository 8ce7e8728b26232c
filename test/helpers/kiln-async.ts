/**
 * Running bin/kiln without blocking the test's event loop (races, kills, an in-process proxy
 * serving it), and a seeded random source so every "random moment" can be replayed.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { kilnBin, repoRoot } from "./kiln.js";

export interface AsyncKilnRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Date.now() when the process ended */
  endedAt: number;
}

export interface StartedKiln {
  child: ChildProcess;
  done: Promise<AsyncKilnRun>;
}

export function startKiln(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): StartedKiln {
  const child = spawn(process.execPath, [kilnBin, ...args], {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, NO_COLOR: "1", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
  child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
  const done = new Promise<AsyncKilnRun>((resolve) => {
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr, endedAt: Date.now() }));
  });
  return { child, done };
}

export function runKilnAsync(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<AsyncKilnRun> {
  return startKiln(args, options).done;
}

/** mulberry32: a small seeded generator, [0, 1) */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
