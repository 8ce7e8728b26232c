/**
 * devcontainer.json (JSONC) → the compose project it describes, and the project name the
 * Dev Containers CLI gives it. Name rule, as read in devcontainers/cli
 * (src/spec-node/dockerCompose.ts, getProjectName): COMPOSE_PROJECT_NAME from the environment,
 * then from `.env` in the workspace folder, then a `name:` written in the compose files, then
 * `<workspace folder>_devcontainer` when the first compose file sits in `<workspace>/.devcontainer`,
 * else that file's folder name; lowercased, keeping `[-_a-z0-9]`.
 */
import path from "node:path";
import { parse, printParseErrorCode, type ParseError } from "jsonc-parser";
import { KilnError } from "../errors.js";
import type { DevcontainerModel } from "./model.js";

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

export function parseDevcontainer(
  text: string,
  configPath: string,
  isFile: (p: string) => boolean,
  env: Record<string, string | undefined> = {},
): DevcontainerModel {
  const errors: ParseError[] = [];
  const config: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  const first = errors[0];
  if (first || typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new KilnError(
      "ERR_KILN_DEVCONTAINER",
      `invalid devcontainer.json: ${first ? printParseErrorCode(first.error) : "not an object"}`,
      {
        location: `${configPath}:${first ? lineOf(text, first.offset) : 1}`,
        hint: "devcontainer.json is JSON with comments; check commas and brackets",
      },
    );
  }
  const c = config as Record<string, unknown>;
  const folder = path.dirname(configPath);
  const sub = (v: string): string => substituteVariables(v, workspaceFolderOf(configPath), env);
  const raw = c.dockerComposeFile;
  const listed = (typeof raw === "string" ? [raw] : Array.isArray(raw) ? raw.map(String) : []).map(sub);
  const composeFiles = listed.map((f) => path.resolve(folder, f));
  const keyLine = lineOf(text, Math.max(0, text.indexOf('"dockerComposeFile"')));
  for (const f of composeFiles) {
    if (!isFile(f)) {
      throw new KilnError(
        "ERR_KILN_DEVCONTAINER",
        `devcontainer.json names a compose file that does not exist: ${f}`,
        {
          location: `${configPath}:${keyLine}`,
          hint: "dockerComposeFile paths are relative to the folder of devcontainer.json",
        },
      );
    }
  }
  const model: DevcontainerModel = {
    configPath,
    workspaceFolder: workspaceFolderOf(configPath),
    composeFiles,
    config: c,
  };
  if (typeof c.workspaceFolder === "string") model.containerWorkspaceFolder = sub(c.workspaceFolder);
  if (typeof c.service === "string") model.service = sub(c.service);
  if (Array.isArray(c.runServices)) model.runServices = c.runServices.map((r) => sub(String(r)));
  return model;
}

/** `.devcontainer/devcontainer.json` and `.devcontainer/<name>/…` → the folder holding `.devcontainer` */
export function workspaceFolderOf(configPath: string): string {
  let dir = path.dirname(configPath);
  if (path.basename(configPath) === ".devcontainer.json") return dir;
  if (path.basename(dir) !== ".devcontainer") dir = path.dirname(dir);
  return path.basename(dir) === ".devcontainer" ? path.dirname(dir) : path.dirname(configPath);
}

export function devcontainerName(raw: string): string {
  return raw.toLowerCase().replace(/[^-_a-z0-9]/g, "");
}

export interface DevcontainerNameInputs {
  envProjectName: string | undefined;
  /** text of `<workspace>/.env`, if any */
  workspaceDotenv: string | undefined;
  /** a top-level `name:` written in one of the compose files (the last one that has it) */
  composeName: string | undefined;
  workspaceFolder: string;
  firstComposeFile: string;
}

export function devcontainerProjectName(i: DevcontainerNameInputs): string {
  const fromEnv = devcontainerName(i.envProjectName ?? "");
  if (fromEnv) return fromEnv;
  const m = i.workspaceDotenv ? /^COMPOSE_PROJECT_NAME=(.+)$/m.exec(i.workspaceDotenv) : null;
  const fromDotenv = devcontainerName(m?.[1]?.trim() ?? "");
  if (fromDotenv) return fromDotenv;
  if (i.composeName) return devcontainerName(i.composeName);
  const dir = path.dirname(i.firstComposeFile);
  if (dir === path.join(i.workspaceFolder, ".devcontainer"))
    return devcontainerName(`${path.basename(i.workspaceFolder)}_devcontainer`);
  return devcontainerName(path.basename(dir));
}

/**
 * The variables devcontainer.json may use in these properties: `${localWorkspaceFolder}`,
 * `${localWorkspaceFolderBasename}`, `${localEnv:NAME}` / `${env:NAME}` (with `:default`).
 * https://containers.dev/implementors/json_reference/#variables-in-devcontainerjson
 */
export function substituteVariables(
  value: string,
  workspaceFolder: string,
  env: Record<string, string | undefined>,
): string {
  return value.replace(
    /\$\{([^}:]+)(?::([^}:]+))?(?::([^}]*))?\}/g,
    (whole, name: string, arg?: string, def?: string) => {
      if (name === "localWorkspaceFolder") return workspaceFolder;
      if (name === "localWorkspaceFolderBasename") return path.basename(workspaceFolder);
      if ((name === "localEnv" || name === "env") && arg !== undefined) return env[arg] ?? def ?? "";
      return whole;
    },
  );
}
