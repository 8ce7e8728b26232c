/**
 * The files `kiln lint` reads and writes: Dockerfiles named on the command line, or every
 * Dockerfile a compose project's services build (with their contexts, for the .dockerignore
 * and manifest checks); and writing a fixed Dockerfile back safely.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeSync,
  mkdirSync,
  copyFileSync,
  chmodSync,
  realpathSync,
} from "node:fs";
import { createHash } from "node:crypto";
import path from "node:path";
import type { ProjectModel } from "../core/compose/model.js";
import { isKilnError, KilnError } from "../core/errors.js";
import { projectStateDir } from "./state/state-dir.js";

export interface LintTarget {
  /** shown to the user */
  display: string;
  /** the file on disk; undefined for an inline Dockerfile (compose dockerfile_inline) or stdin */
  file?: string;
  text: string;
  contextFiles?: string[];
  /** compose build.target */
  target?: string;
  /** compose services that build it */
  services: string[];
  /** a devcontainer's service builds it: a development image */
  devImage?: boolean;
}

const MAX_BYTES = 32 * 1024 * 1024;
const SKIP_DIRS = new Set([
  "node_modules",
  ".git",
  ".venv",
  "venv",
  "target",
  "dist",
  "build",
  "__pycache__",
]);

function display(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : file;
}

function readText(file: string): string {
  let size: number;
  try {
    const st = statSync(file);
    if (st.isDirectory())
      throw new KilnError("ERR_KILN_USAGE", `${file} is a directory`, {
        hint: "pass the Dockerfile inside it: kiln lint DIR/Dockerfile",
      });
    size = st.size;
  } catch (error: unknown) {
    if (isKilnError(error)) throw error;
    throw new KilnError(
      "ERR_KILN_DOCKERFILE_MISSING",
      `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`,
      {
        hint: "pass the path of a Dockerfile, or a project directory",
      },
    );
  }
  if (size > MAX_BYTES)
    throw new KilnError(
      "ERR_KILN_USAGE",
      `${file} is ${size} bytes: not a Dockerfile kiln will read (limit ${MAX_BYTES})`,
      { hint: "pass a Dockerfile, not a build output or archive" },
    );
  return readFileSync(file, "utf8");
}

/** top level of the context, plus one level below for ordinary folders (manifests of sub-projects) */
export function listContext(contextDir: string, dockerfile?: string): string[] | undefined {
  let top: string[];
  try {
    top = readdirSync(contextDir);
  } catch {
    return undefined;
  }
  const out = [...top];
  for (const name of top) {
    if (SKIP_DIRS.has(name) || name.startsWith(".") || out.length > 2000) continue;
    try {
      if (statSync(path.join(contextDir, name)).isDirectory())
        for (const sub of readdirSync(path.join(contextDir, name))) out.push(`${name}/${sub}`);
    } catch {
      // unreadable folder: the rules see less, nothing breaks
    }
  }
  // BuildKit reads <Dockerfile>.dockerignore next to the Dockerfile before the context's one
  if (dockerfile !== undefined && existsSync(`${dockerfile}.dockerignore`) && !out.includes(".dockerignore"))
    out.push(".dockerignore");
  return out;
}

export function fileTarget(file: string, cwd: string): LintTarget {
  const abs = path.resolve(cwd, file);
  const text = readText(abs);
  const contextFiles = listContext(path.dirname(abs), abs);
  return {
    display: display(abs, cwd),
    file: abs,
    text,
    ...(contextFiles ? { contextFiles } : {}),
    services: [],
  };
}

function isDockerfileName(name: string): boolean {
  return (
    (/^(Dockerfile|Containerfile)([.-].+)?$/i.test(name) && !name.endsWith(".dockerignore")) ||
    /\.(dockerfile|containerfile)$/i.test(name)
  );
}

/** Dockerfiles in `dir` and up to two folders down (no compose file to say which). */
export function findDockerfiles(dir: string, depth = 2): string[] {
  const out: string[] = [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    if (e.isFile() && isDockerfileName(e.name)) out.push(path.join(dir, e.name));
  }
  if (depth > 0) {
    for (const e of entries)
      if (e.isDirectory() && !SKIP_DIRS.has(e.name) && !e.name.startsWith("."))
        out.push(...findDockerfiles(path.join(dir, e.name), depth - 1));
  }
  return out.sort();
}

/** No compose file to say which: every Dockerfile in `dir` and two folders down. */
export function searchedTargets(dir: string, cwd: string): LintTarget[] {
  const files = findDockerfiles(dir);
  if (files.length === 0) {
    throw new KilnError("ERR_KILN_USAGE", `no compose file and no Dockerfile in ${dir}`, {
      hint: "pass a Dockerfile (`kiln lint path/to/Dockerfile`) or run in a project directory",
    });
  }
  return files.map((f) => fileTarget(f, cwd));
}

/**
 * Every Dockerfile the project's services build. `project` is the model with kiln's pins
 * undone, so a baked (pinned) service is linted from the build it had.
 */
export function modelTargets(project: ProjectModel, cwd: string, log: (line: string) => void): LintTarget[] {
  const byKey = new Map<string, LintTarget>();
  const devService = project.devcontainer?.service;
  for (const service of project.allServices) {
    const build = service.build;
    if (build === undefined) continue;
    if (build.contextIsRemote) {
      log(`kiln lint: service ${service.name}: remote build context ${build.context} skipped`);
      continue;
    }
    const key = `${build.dockerfile ?? `inline:${service.name}`}\u0000${build.context}\u0000${build.target ?? ""}`;
    const existing = byKey.get(key);
    if (existing) {
      existing.services.push(service.name);
      if (service.name === devService) existing.devImage = true;
      continue;
    }
    const contextFiles = listContext(build.context, build.dockerfile);
    const common = {
      ...(contextFiles ? { contextFiles } : {}),
      ...(build.target ? { target: build.target } : {}),
      ...(service.name === devService ? { devImage: true } : {}),
      services: [service.name],
    };
    if (build.dockerfileInline !== undefined) {
      byKey.set(key, {
        display: `${service.name} (dockerfile_inline)`,
        text: build.dockerfileInline,
        ...common,
      });
    } else if (build.dockerfile !== undefined) {
      byKey.set(key, {
        display: display(build.dockerfile, cwd),
        file: build.dockerfile,
        text: readText(build.dockerfile),
        ...common,
      });
    }
  }
  return [...byKey.values()];
}

/**
 * Writes a fixed Dockerfile: the first original is kept in kiln's state dir (never
 * overwritten), then a temp file in the same folder is fsynced and renamed over it.
 */
export function writeFixed(target: string, text: string, projectDir: string, env: NodeJS.ProcessEnv): void {
  // a symlinked Dockerfile: write the file it points to, keep the link
  const file = realpathSync(target);
  const backups = path.join(projectStateDir(projectDir, env), "lint-originals");
  const backup = path.join(
    backups,
    `${createHash("sha256").update(file).digest("hex").slice(0, 16)}-${path.basename(file)}`,
  );
  try {
    mkdirSync(backups, { recursive: true });
    if (!existsSync(backup)) copyFileSync(file, backup);
  } catch {
    // a missing backup must not block the fix; the write below is still atomic
  }
  const mode = statSync(file).mode & 0o7777;
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.kiln-${process.pid}.tmp`);
  const fd = openSync(tmp, "w", mode);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(tmp, mode);
  renameSync(tmp, file);
}
