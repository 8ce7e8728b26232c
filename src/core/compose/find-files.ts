/**
 * Which files make the project: `-f`, else COMPOSE_FILE, else the default names searched
 * from the working directory upwards (plus the first override file next to the winner); and
 * which devcontainer.json, when one is asked for or the folder has no compose file.
 */
import path from "node:path";
import { KilnError } from "../errors.js";
import type { ComposeIo } from "./io.js";

export const DEFAULT_FILES = ["compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"];
export const OVERRIDE_FILES = [
  "compose.override.yaml",
  "compose.override.yml",
  "docker-compose.override.yml",
  "docker-compose.override.yaml",
];

/** the default files in `dir` or the nearest parent that has one; [] when none */
export function findDefaultFiles(dir: string, io: ComposeIo): string[] {
  for (let d = dir; ; d = path.dirname(d)) {
    const main = DEFAULT_FILES.map((n) => path.join(d, n)).find((f) => io.isFile(f));
    if (main) {
      const override = OVERRIDE_FILES.map((n) => path.join(d, n)).find((f) => io.isFile(f));
      return override ? [main, override] : [main];
    }
    if (path.dirname(d) === d) return [];
  }
}

export function splitComposeFileVar(value: string, separator: string | undefined, baseDir: string): string[] {
  return value
    .split(separator && separator !== "" ? separator : path.delimiter)
    .filter((f) => f !== "")
    .map((f) => path.resolve(baseDir, f));
}

/** kiln's own copy for `bake --mode override` (`.devcontainer/kiln-NAME/devcontainer.json`) */
function isKilnGenerated(file: string, io: ComposeIo): boolean {
  return /"x-kiln-generated"\s*:/.test(io.readText(file) ?? "");
}

/**
 * The devcontainer.json to use: `target` itself when it is a file, else the one config among
 * `devcontainer.json`, `.devcontainer/devcontainer.json`, `.devcontainer.json` and
 * `.devcontainer/<name>/devcontainer.json` — kiln's generated copies left out. Several are
 * ambiguous (VS Code asks which one): an error that lists them (#12.10).
 */
export function findDevcontainerConfig(target: string, io: ComposeIo): string | undefined {
  if (io.isFile(target)) return target;
  const direct = [
    path.join(target, "devcontainer.json"),
    path.join(target, ".devcontainer", "devcontainer.json"),
    path.join(target, ".devcontainer.json"),
  ].filter((f) => io.isFile(f));
  const folder = path.basename(target) === ".devcontainer" ? target : path.join(target, ".devcontainer");
  const nested = io
    .listDir(folder)
    .map((n) => path.join(folder, n, "devcontainer.json"))
    .filter((f) => io.isFile(f))
    .sort();
  const found = [...new Set([...direct, ...nested])].filter((f) => !isKilnGenerated(f, io));
  if (found.length > 1) {
    const shown = found.map((f) => path.relative(target, f) || f);
    throw new KilnError(
      "ERR_KILN_DEVCONTAINER",
      `several devcontainer configurations in ${target}: ${shown.join(", ")}`,
      { hint: `choose one: ${found.map((f) => `--devcontainer ${f}`).join(" or ")}` },
    );
  }
  return found[0];
}
