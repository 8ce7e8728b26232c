/**
 * The Dockerfiles `kiln lint` checks in a project: what its services build, read from the
 * model with kiln's pins undone (as bake and doctor see it), so a baked project is linted from
 * its build specs instead of checking nothing; a folder without a compose file is searched.
 */
import type { LintTarget } from "../adapters/lint-targets.js";
import { isKilnError } from "../core/errors.js";
import { openProject, type OpenPorts } from "./open-project.js";
import type { Ports } from "./ports.js";
import type { ProjectRequest } from "./request.js";

export async function projectLintTargets(
  request: ProjectRequest,
  env: NodeJS.ProcessEnv,
  cwd: string,
  ports: OpenPorts & Pick<Ports, "lintTargets">,
): Promise<LintTarget[]> {
  const log = ports.log;
  let opened;
  try {
    opened = await openProject(request, env, ports);
  } catch (error: unknown) {
    const noCompose =
      isKilnError(error) &&
      error.code === "ERR_KILN_COMPOSE_NOT_FOUND" &&
      request.files.length === 0 &&
      request.devcontainer === undefined;
    if (!noCompose) throw error;
    return ports.lintTargets.search(request.projectDir, cwd);
  }
  return ports.lintTargets.ofModel(opened.model, cwd, log);
}
