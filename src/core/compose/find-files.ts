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

/** `.devcontainer/devcontainer.json`, `.devcontainer.json`, then `.devcontainer/<name>/devcontainer.json` */
export function findDevcontainerConfig(target: string, io: ComposeIo): string | undefined {
  if (io.isFile(target)) return target;
  const direct = [
    path.join(target, "devcontainer.json"),
    path.join(target, ".devcontainer", "devcontainer.json"),
    path.join(target, ".devcontainer.json"),
  ];
  const hit = direct.find((f) => io.isFile(f));
  if (hit) return hit;
  const folder = path.basename(target) === ".devcontainer" ? target : path.join(target, ".devcontainer");
  const nested = io
    .listDir(folder)
    .map((n) => path.join(folder, n, "devcontainer.json"))
    .filter((f) => io.isFile(f))
    .sort();
  if (nested.length > 1) {
    throw new KilnError("ERR_KILN_DEVCONTAINER", `several devcontainer configurations found in ${folder}`, {
      hint: `choose one: ${nested.map((f) => `--devcontainer ${f}`).join(" or ")}`,
    });
  }
  return nested[0];
}
