/**
 * Which images `devcontainer up` made for one workspace: the tests assert a baked devcontainer
 * makes none. Other test files run devcontainers at the same time, so only images named for
 * this workspace count.
 */
import { spawnSync } from "node:child_process";

function docker(...args: string[]): string {
  return spawnSync("docker", args, { encoding: "utf8" }).stdout.trim();
}

export function imageIds(): Set<string> {
  return new Set(docker("images", "-a", "-q", "--no-trunc").split("\n").filter(Boolean));
}

/** a `vsc-<folder>-…` image (Features / UID layer) or one compose built for `<folder>_devcontainer` */
export function madeForDevcontainer(id: string, project: string): boolean {
  const out = docker("image", "inspect", "-f", "{{json .RepoTags}} {{json .Config.Labels}}", id);
  const folder = project.replace(/_devcontainer$/, "");
  return out.includes(`vsc-${folder}`) || out.includes(project);
}
