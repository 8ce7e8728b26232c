/**
 * loadProject with the real world plugged in: the node filesystem, process.env and
 * process.cwd(). The pure loader is core/compose/load-project.ts (loadProjectWith).
 */
import type { ComposeIo } from "../core/compose/io.js";
import { loadProjectSyncWith, loadProjectWith } from "../core/compose/load-project.js";
import type { LoadProjectOptions, ProjectModel } from "../core/compose/model.js";
import { nodeComposeIo } from "./compose-files.js";

export async function loadProject(
  options: LoadProjectOptions = {},
  io: ComposeIo = nodeComposeIo,
): Promise<ProjectModel> {
  return loadProjectWith(options, { io, env: process.env, cwd: process.cwd() });
}

export function loadProjectSync(
  options: LoadProjectOptions = {},
  io: ComposeIo = nodeComposeIo,
): ProjectModel {
  return loadProjectSyncWith(options, { io, env: process.env, cwd: process.cwd() });
}
