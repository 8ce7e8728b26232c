/**
 * Test helpers: run bin/kiln as a black box, make temp copies of fixtures, label resources.
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { appendFileSync, cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const kilnBin = path.join(repoRoot, "bin", "kiln");
export const fixturesDir = path.join(repoRoot, "test", "fixtures");

/** the label every test resource carries, and its value for this run */
export const TEST_LABEL = "kiln.test.run";
export function testRunId(): string {
  return process.env.KILN_TEST_RUN ?? "manual";
}
export function testLabel(): string {
  return `${TEST_LABEL}=${testRunId()}`;
}
export function engineAvailable(): boolean {
  return process.env.KILN_TEST_ENGINE === "1";
}

export interface KilnRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function runKiln(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {},
): KilnRun {
  const r: SpawnSyncReturns<string> = spawnSync(process.execPath, [kilnBin, ...args], {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, NO_COLOR: "1", ...options.env },
    encoding: "utf8",
    input: options.input,
    timeout: 600_000,
  });
  return { code: r.status ?? 128, stdout: r.stdout, stderr: r.stderr };
}

/** Copies a fixture folder (or an empty dir) to a fresh temp dir; returns its path. */
export function tempCopy(fixture?: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "kiln-test-"));
  if (fixture) cpSync(path.join(fixturesDir, fixture), dir, { recursive: true });
  return dir;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Fingerprints are content addresses: a copy identical to one another test (or run) baked would be
 * found fresh. A random file in the folder and each of its subfolders makes every context unique,
 * and — since a fingerprint covers only the context files the build reads — a comment appended to
 * every Dockerfile (it changes the fingerprint, not BuildKit's cache).
 */
export function makeContextsUnique(dir: string): void {
  const id = `${process.pid}-${Math.random()}\n`;
  writeFileSync(path.join(dir, ".test-id"), id);
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) writeFileSync(path.join(dir, e.name, ".test-id"), id);
  }
  markDockerfiles(dir, `# kiln-test-id ${id}`, 3);
}

/**
 * One build context made unique: a random `.test-id` and, since a fingerprint covers only the
 * files the build reads (#15), a comment appended to its Dockerfile.
 */
export function makeContextUnique(contextDir: string, id = `${process.pid}-${Math.random()}`): void {
  writeFileSync(path.join(contextDir, ".test-id"), `${id}\n`);
  markDockerfiles(contextDir, `# kiln-test-id ${id}`, 0);
}

function markDockerfiles(dir: string, line: string, depth: number): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory() && depth > 0 && e.name !== "node_modules" && e.name !== ".git") {
      markDockerfiles(full, line, depth - 1);
    } else if (e.isFile() && /^Dockerfile|\.Dockerfile$/.test(e.name) && !e.name.endsWith(".dockerignore")) {
      appendFileSync(full, `\n${line}`);
    }
  }
}

/** a temp copy of a fixture with unique contexts, and the env that keeps kiln's state and labels per test */
export function bakeFixture(fixture: string): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = tempCopy(fixture);
  makeContextsUnique(dir);
  return { dir, env: { KILN_STATE_DIR: `${dir}.state`, KILN_LABELS: testLabel() } };
}
