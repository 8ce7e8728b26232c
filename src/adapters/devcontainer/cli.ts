/**
 * The Dev Containers CLI, which installs Features (kiln never reimplements that). Found as:
 * KILN_DEVCONTAINER_CLI (a path), the `@devcontainers/cli` package next to kiln, or `devcontainer`
 * on PATH. `installFeatures` runs `devcontainer build` on an image-based config whose `image` is
 * the service's baked image: the CLI writes its Features Dockerfile (in its install order, with
 * the options), builds it with the same docker client kiln builds with, and writes the
 * `devcontainer.metadata` label (the Features' containerEnv, mounts, entrypoint, customizations…).
 */
import { spawnSync } from "node:child_process";
import {
  accessSync,
  constants,
  existsSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import { createRequire } from "node:module";
import path from "node:path";
import { KilnError } from "../../core/errors.js";
import { ProcessError, runProcess, lastLines, type ProcessRunner } from "../process-runner.js";
import { contentImageLockDir, withContentImageLock } from "./content-image-lock.js";

export interface DevcontainerCli {
  /** argv prefix: `[node, devcontainer.js]` or `[devcontainer]` */
  argv: string[];
  version: string;
  /** the CLI's own updateUID.Dockerfile, when its package folder is known */
  updateUidDockerfile?: string;
}

export /** the npm package of the Dev Containers CLI */
const CLI_PACKAGE = "@devcontainers/cli";

const INSTALL_CLI_HINT =
  "install the Dev Containers CLI: `npm install -g @devcontainers/cli@0.89` (or set KILN_DEVCONTAINER_CLI to its devcontainer.js / binary)";

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function fromPackageDir(dir: string): DevcontainerCli {
  const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { version?: string };
  const uid = path.join(dir, "scripts", "updateUID.Dockerfile");
  return {
    argv: [process.execPath, path.join(dir, "devcontainer.js")],
    version: pkg.version ?? "unknown",
    ...(existsSync(uid) ? { updateUidDockerfile: uid } : {}),
  };
}

let memo: DevcontainerCli | undefined;

export function findDevcontainerCli(env: NodeJS.ProcessEnv): DevcontainerCli {
  const forced = env.KILN_DEVCONTAINER_CLI;
  if (forced) {
    if (!existsSync(forced)) {
      throw new KilnError(
        "ERR_KILN_DEVCONTAINER_CLI",
        `KILN_DEVCONTAINER_CLI names ${forced}, which does not exist`,
        {
          hint: INSTALL_CLI_HINT,
        },
      );
    }
    // the package's bin link (node_modules/.bin/devcontainer) or its devcontainer.js: use the package
    const real = path.dirname(safeRealpath(forced));
    if (existsSync(path.join(real, "devcontainer.js")) && existsSync(path.join(real, "package.json")))
      return fromPackageDir(real);
    return { argv: [forced], version: "unknown" };
  }
  if (memo) return memo;
  try {
    const req = createRequire(import.meta.url);
    memo = fromPackageDir(path.dirname(req.resolve(path.posix.join(CLI_PACKAGE, "package.json"))));
    return memo;
  } catch {
    // not next to kiln: look on PATH
  }
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    const file = dir ? path.join(dir, "devcontainer") : "";
    if (file && executable(file)) {
      const real = path.dirname(safeRealpath(file));
      memo =
        existsSync(path.join(real, "package.json")) && existsSync(path.join(real, "devcontainer.js"))
          ? fromPackageDir(real)
          : { argv: [file], version: "unknown" };
      return memo;
    }
  }
  throw new KilnError(
    "ERR_KILN_DEVCONTAINER_CLI",
    "the devcontainer uses Features, and installing them needs the Dev Containers CLI, which was not found",
    { hint: INSTALL_CLI_HINT },
  );
}

function safeRealpath(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

export interface InstallFeaturesRequest {
  cli: DevcontainerCli;
  /** a workspace folder holding `.devcontainer/…/devcontainer.json` (image-based) and the local Features */
  workspaceFolder: string;
  configPath: string;
  imageName: string;
  labels: Record<string, string>;
  /** the docker client kiln builds with */
  dockerPath: string;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  runner?: ProcessRunner;
  onLine?: (line: string) => void;
  omitSyntaxDirective?: boolean;
  /**
   * the engine's built-in Dockerfile frontend has no named build contexts (engine < 23): the CLI
   * then ships the Features in a temporary content image instead (`--buildkit never`)
   */
  noBuildContexts?: boolean;
  /** a Feature's id and name → its key in devcontainer.json (the CLI names a local Feature "Unknown") */
  featureKeys?: Record<string, string>;
}

/** the engine's major version, for choosing how the CLI ships Feature content */
export async function engineMajor(
  dockerArgv: string[],
  env: NodeJS.ProcessEnv,
  runner: ProcessRunner = runProcess,
): Promise<number | undefined> {
  const r = await runner([...dockerArgv, "version", "--format", "{{.Server.Version}}"], {
    env,
    allowFailure: true,
    timeoutMs: 20_000,
  });
  const m = /^(\d+)\./.exec(r.stdout.trim());
  return m ? Number(m[1]) : undefined;
}

/** `devcontainer build` of the Features image; a failing Feature is named in the error */
export async function installFeatures(req: InstallFeaturesRequest): Promise<void> {
  const args = [
    ...req.cli.argv,
    "build",
    "--workspace-folder",
    req.workspaceFolder,
    "--config",
    req.configPath,
    "--image-name",
    req.imageName,
    "--docker-path",
    req.dockerPath,
    "--log-level",
    "info",
    // the default `# syntax=docker/dockerfile:1.4` line makes BuildKit fetch a frontend image
    // from Docker Hub; the engine's built-in frontend installs Features as well
    ...(req.omitSyntaxDirective ? ["--omit-syntax-directive"] : []),
    ...(req.noBuildContexts ? ["--buildkit", "never"] : []),
    ...Object.entries(req.labels).flatMap(([k, v]) => ["--label", `${k}=${v}`]),
  ];
  const log: string[] = [];
  const keep = (line: string): void => {
    log.push(line);
    if (log.length > 400) log.shift();
    req.onLine?.(line);
  };
  let result;
  try {
    const run = () =>
      (req.runner ?? runProcess)(args, {
        env: req.env,
        cwd: req.workspaceFolder,
        ...(req.signal ? { signal: req.signal } : {}),
        onStdoutLine: keep,
        onStderrLine: keep,
        allowFailure: true,
      });
    // `--buildkit never` builds through one fixed temp image name: one such build at a time
    result = req.noBuildContexts
      ? await withContentImageLock(contentImageLockDir(), req.signal, run)
      : await run();
  } catch (error: unknown) {
    if (error instanceof ProcessError) throw featureError(log, error.message, req.featureKeys);
    throw error;
  }
  const last = result.stdout.trim().split("\n").pop() ?? "";
  let outcome: { outcome?: string; message?: string; description?: string } = {};
  try {
    outcome = JSON.parse(last) as typeof outcome;
  } catch {
    // no JSON result: judged by the exit code
  }
  if (result.exitCode !== 0 || outcome.outcome !== "success") {
    throw featureError(
      log,
      outcome.description ?? outcome.message ?? `exit code ${result.exitCode}`,
      req.featureKeys,
    );
  }
}

function featureError(log: string[], why: string, keys: Record<string, string> = {}): KilnError {
  const text = log.join("\n");
  const failed = /ERROR: Feature \\?"([^"\\]*)\\?" \(([^)]*)\) failed to install!/.exec(text);
  // the folder the CLI copied the Feature to: /tmp/dev-container-features/<id>_<n>
  const folder = /dev-container-features\/([^/\s_]+(?:_[^/\s_]+)*)_\d+ && chmod \+x/.exec(text)?.[1];
  const tail = lastLines(log.filter((l) => !l.startsWith("{")).join("\n"), 15);
  if (failed) {
    const key =
      keys[failed[2] ?? ""] ?? keys[failed[1] ?? ""] ?? (folder ? keys[folder] : undefined) ?? failed[2];
    return new KilnError(
      "ERR_KILN_FEATURE_INSTALL",
      `Feature ${key} ("${failed[1]}") failed to install:\n${tail}`,
      {
        hint: `fix the Feature's install.sh (${key}), then run \`kiln bake\` again; no file was changed`,
      },
    );
  }
  return new KilnError("ERR_KILN_FEATURE_INSTALL", `installing the Features failed (${why}):\n${tail}`, {
    hint: "see the Dev Containers CLI output above; no file was changed",
  });
}

/**
 * The lock file the Dev Containers CLI would write for these OCI Features (`devcontainer upgrade
 * --dry-run` on a throwaway config listing only them): their digests resolved from the registries.
 * Undefined when it cannot (offline, unknown reference, no CLI) — the caller warns.
 */
export function resolveFeatureLock(
  env: NodeJS.ProcessEnv,
  features: Record<string, unknown>,
): string | undefined {
  let dir: string | undefined;
  try {
    const cli = findDevcontainerCli(env);
    dir = mkdtempSync(path.join(os.tmpdir(), "kiln-feature-lock-"));
    const config = path.join(dir, "devcontainer.json");
    writeFileSync(config, JSON.stringify({ image: "kiln.invalid/feature-lock", features }));
    const [cmd, ...pre] = cli.argv;
    const r = spawnSync(
      cmd,
      [...pre, "upgrade", "--dry-run", "--config", config, "--workspace-folder", dir, "--log-level", "error"],
      { encoding: "utf8", env, timeout: 60_000 },
    );
    return r.status === 0 && r.stdout.includes('"features"') ? r.stdout : undefined;
  } catch {
    return undefined;
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}
