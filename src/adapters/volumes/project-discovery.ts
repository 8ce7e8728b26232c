/**
 * Which compose projects share caches: the project of --project-dir, its devcontainer
 * configs that use compose (`.devcontainer.json`, `.devcontainer/devcontainer.json`,
 * `.devcontainer/<name>/devcontainer.json`) and the compose projects in its subfolders up to
 * two levels deep (skipping dot-folders and node_modules) — or, when the root compose file
 * has `x-kiln.projects`, exactly the folders / compose files / devcontainer.json files listed.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parse as parseJsonc } from "jsonc-parser";
import { isKilnError } from "../../core/errors.js";
import type { LoadProjectOptions, ProjectModel } from "../../core/compose/model.js";
import { generatedConfigPath } from "../../core/pin/devcontainer-override.js";
import { readKilnVolumesConfig } from "../../core/volumes/kiln-extension.js";

export const COMPOSE_NAMES = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"];
const SKIP = new Set(["node_modules", "vendor", "dist", "build"]);

export type ProjectLoader = (options: LoadProjectOptions) => Promise<ProjectModel>;

export interface DiscoveryRoot {
  projectDir: string;
  /** options for the root project (-f, -p, --profile, --env-file) */
  root: LoadProjectOptions;
  env: Record<string, string | undefined>;
  /** reads a devcontainer.json (a run passes its ProjectFiles: read once, #14.3) */
  readText?: TextReader;
}

type TextReader = (file: string) => string | undefined;

const readFromDisk: TextReader = (file) => readFileSync(file, "utf8");

function hasCompose(dir: string): boolean {
  return COMPOSE_NAMES.some((n) => existsSync(path.join(dir, n)));
}

function usesCompose(configPath: string, read: TextReader): boolean {
  try {
    const config = parseJsonc(read(configPath) ?? "") as { dockerComposeFile?: unknown } | undefined;
    return config?.dockerComposeFile !== undefined;
  } catch {
    return false;
  }
}

export function devcontainerConfigs(dir: string, read: TextReader = readFromDisk): string[] {
  const found: string[] = [];
  const direct = [path.join(dir, ".devcontainer.json"), path.join(dir, ".devcontainer", "devcontainer.json")];
  for (const f of direct) if (existsSync(f)) found.push(f);
  const folder = path.join(dir, ".devcontainer");
  if (existsSync(folder) && statSync(folder).isDirectory()) {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const f = path.join(folder, entry.name, "devcontainer.json");
      if (entry.isDirectory() && existsSync(f)) found.push(f);
    }
  }
  // kiln's own copies for `--mode override` (.devcontainer/kiln*/) are the same devcontainers
  // with kiln's override added: counting them would list each of their services twice
  const generated = new Set(found.map((f) => generatedConfigPath(f, dir)));
  return found.filter((f) => !generated.has(f)).filter((f) => usesCompose(f, read));
}

/** sub-folders (one and two levels down) holding a compose file */
export function composeSubfolders(dir: string, depth = 2): string[] {
  const out: string[] = [];
  const walk = (current: string, level: number): void => {
    if (level > depth) return;
    let entries;
    try {
      entries = readdirSync(current, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory() || e.name.startsWith(".") || SKIP.has(e.name)) continue;
      const sub = path.join(current, e.name);
      if (hasCompose(sub)) out.push(sub);
      walk(sub, level + 1);
    }
  };
  walk(dir, 1);
  return out;
}

function candidatesFromList(
  projectDir: string,
  list: string[],
  env: DiscoveryRoot["env"],
): LoadProjectOptions[] {
  return list.map((entry) => {
    const abs = path.resolve(projectDir, entry);
    if (abs.endsWith(".json")) return { projectDir: path.dirname(path.dirname(abs)), devcontainer: abs, env };
    if (existsSync(abs) && statSync(abs).isFile())
      return { projectDir: path.dirname(abs), files: [abs], env };
    if (!hasCompose(abs)) {
      const dc = devcontainerConfigs(abs)[0];
      if (dc) return { projectDir: abs, devcontainer: dc, env };
    }
    return { projectDir: abs, env };
  });
}

async function tryLoad(load: ProjectLoader, options: LoadProjectOptions): Promise<ProjectModel | undefined> {
  try {
    return await load(options);
  } catch (e: unknown) {
    if (isKilnError(e) && e.code === "ERR_KILN_COMPOSE_NOT_FOUND") return undefined;
    throw e;
  }
}

export async function discoverProjects(root: DiscoveryRoot, load: ProjectLoader): Promise<ProjectModel[]> {
  const projects: ProjectModel[] = [];
  const seen = new Set<string>();
  const add = (p: ProjectModel | undefined): void => {
    if (!p) return;
    const key = [...p.files].sort().join("\0");
    if (seen.has(key)) return;
    seen.add(key);
    projects.push(p);
  };
  const explicitFiles = (root.root.files ?? []).length > 0;
  const first =
    explicitFiles || hasCompose(root.projectDir) || root.root.devcontainer
      ? await tryLoad(load, root.root)
      : undefined;
  add(first);
  const listed = first ? readKilnVolumesConfig(first.extensions).projects : undefined;
  if (listed) {
    for (const options of candidatesFromList(root.projectDir, listed, root.env)) add(await load(options));
    return projects;
  }
  for (const config of devcontainerConfigs(root.projectDir, root.readText)) {
    add(await tryLoad(load, { projectDir: root.projectDir, devcontainer: config, env: root.env }));
  }
  for (const dir of composeSubfolders(root.projectDir))
    add(await tryLoad(load, { projectDir: dir, env: root.env }));
  return projects;
}
