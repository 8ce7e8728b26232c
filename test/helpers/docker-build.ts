/**
 * `docker build` (BuildKit, plain progress) for integration tests: the image carries the test
 * label; the log says which steps ran and which were CACHED.
 */
import { spawnSync } from "node:child_process";
import { testLabel } from "./kiln.js";

export interface BuildResult {
  status: number;
  log: string;
}

export function dockerBuild(
  dir: string,
  tag: string,
  options: { file?: string; buildArgs?: Record<string, string>; extraArgs?: string[] } = {},
): BuildResult {
  const args = ["build", "--progress=plain", "--label", testLabel(), "-t", tag, ...(options.extraArgs ?? [])];
  for (const [k, v] of Object.entries(options.buildArgs ?? {})) args.push("--build-arg", `${k}=${v}`);
  if (options.file !== undefined) args.push("-f", options.file);
  args.push(dir);
  const r = spawnSync("docker", args, {
    encoding: "utf8",
    timeout: 300_000,
    env: { ...process.env, DOCKER_BUILDKIT: "1" },
  });
  return { status: r.status ?? -1, log: `${r.stdout}\n${r.stderr}` };
}

/** the build log's step lines that ran, not CACHED: `[stage i/n] RUN …` texts */
export function stepsRun(log: string): string[] {
  const titles = new Map<string, string>();
  const cached = new Set<string>();
  for (const line of log.split("\n")) {
    const t = /^#(\d+) (\[[^\]]*\] .*)$/.exec(line);
    if (t && !titles.has(t[1])) titles.set(t[1], t[2]);
    const c = /^#(\d+) CACHED/.exec(line);
    if (c) cached.add(c[1]);
  }
  return [...titles].filter(([id]) => !cached.has(id)).map(([, title]) => title);
}

export function removeImages(...tags: string[]): void {
  spawnSync("docker", ["image", "rm", "-f", ...tags], { stdio: "ignore" });
}

export type BuildMode = "buildx" | "legacy";

/** `docker build` with the mode's client; the Dockerfile steps (FROM left out) that were not CACHED */
export function realBuild(dir: string, tag: string, mode: BuildMode, dockerfile?: string): string[] {
  const steps = tryRealBuild(dir, tag, mode, dockerfile);
  if (typeof steps === "string") throw new Error(`docker build failed:\n${steps}`);
  return steps;
}

/** the steps not CACHED, or the log when the build failed */
export function tryRealBuild(
  dir: string,
  tag: string,
  mode: BuildMode,
  dockerfile?: string,
): string[] | string {
  const docker = mode === "legacy" ? "/usr/bin/docker" : "docker";
  const args = ["build", "--progress=plain", "--label", testLabel(), "-t", tag];
  if (dockerfile) args.push("-f", dockerfile);
  args.push(dir);
  const r = spawnSync(docker, args, {
    encoding: "utf8",
    timeout: 300_000,
    env: { ...process.env, DOCKER_BUILDKIT: "1" },
  });
  const log = `${r.stdout}\n${r.stderr}`;
  if (r.status !== 0) return log;
  return stepsNotCached(log);
}

export function stepsNotCached(log: string): string[] {
  const titles = new Map<string, string>();
  const cached = new Set<string>();
  for (const line of log.split("\n")) {
    const t = /^#(\d+) \[(?:[^\]]* )?\d+\/\d+\] (.*)$/.exec(line);
    if (t && !titles.has(t[1])) titles.set(t[1], t[2]);
    if (/^#(\d+) CACHED/.test(line)) cached.add(/^#(\d+)/.exec(line)![1]);
  }
  return [...titles]
    .filter(([id, title]) => !cached.has(id) && !title.startsWith("FROM "))
    .map(([, title]) => title);
}
