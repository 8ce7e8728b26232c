/**
 * A memo of the compose loader: the project model is a function of what the loader read — the
 * ComposeIo calls it made and their answers, the environment variables it looked up, the working
 * directory and the options. A run whose every recorded answer is unchanged gets the stored model
 * back without parsing YAML or validating the schema again; anything else loads afresh — parsing
 * only the files whose text changed (parsed-file-memo.ts). Stored in kiln's state root (never in a
 * build context).
 */
import { readFileSync } from "node:fs";
import { writeCacheFile } from "./fs/cache-file.js";
import path from "node:path";
import { sha1Hex } from "../core/digest.js";
import { loadProject } from "./project-loader.js";
import type { ComposeIo } from "../core/compose/io.js";
import { parsedFileMemo } from "./parsed-file-memo.js";
import type { LoadProjectOptions, ProjectModel } from "../core/compose/model.js";
import { nodeComposeIo } from "./compose-files.js";
import { kilnStateRoot } from "./state/state-dir.js";

type Call =
  | ["read", string, string | null]
  | ["isFile", string, boolean]
  | ["isDir", string, boolean]
  | ["list", string, string];

/** bumped when the model's shape changes (2: source.builds/images, #12.1) */
const VERSION = 2;

interface Entry {
  version: typeof VERSION;
  calls: Call[];
  env: [string, string | null][];
  model: ProjectModel;
}

const digest = (text: string | undefined): string | null => (text === undefined ? null : sha1Hex(text));

function recordingIo(io: ComposeIo, calls: Call[], memoDir: string): ComposeIo {
  return {
    parsedFiles: io.parsedFiles ?? parsedFileMemo(memoDir),
    readText(file) {
      const text = io.readText(file);
      calls.push(["read", file, digest(text)]);
      return text;
    },
    isFile(file) {
      const yes = io.isFile(file);
      calls.push(["isFile", file, yes]);
      return yes;
    },
    isDirectory(dir) {
      const yes = io.isDirectory(dir);
      calls.push(["isDir", dir, yes]);
      return yes;
    },
    listDir(dir) {
      const names = io.listDir(dir);
      calls.push(["list", dir, names.join("\0")]);
      return names;
    },
    composeValidators: () => io.composeValidators(),
  };
}

/** the environment, recording each variable read; enumerating it makes the result unmemoizable */
function recordingEnv(
  env: Record<string, string | undefined>,
  reads: Map<string, string | null>,
  flags: { enumerated: boolean },
) {
  return new Proxy(env, {
    get(target, name) {
      if (typeof name !== "string") return undefined;
      const value = target[name];
      if (!reads.has(name)) reads.set(name, value ?? null);
      return value;
    },
    has(target, name) {
      if (typeof name === "string" && !reads.has(name)) reads.set(name, target[name] ?? null);
      return name in target;
    },
    ownKeys(target) {
      flags.enumerated = true;
      return Reflect.ownKeys(target);
    },
  });
}

function replays(entry: Entry, io: ComposeIo, env: Record<string, string | undefined>): boolean {
  for (const [name, value] of entry.env) if ((env[name] ?? null) !== value) return false;
  for (const call of entry.calls) {
    switch (call[0]) {
      case "read":
        if (digest(io.readText(call[1])) !== call[2]) return false;
        break;
      case "isFile":
        if (io.isFile(call[1]) !== call[2]) return false;
        break;
      case "isDir":
        if (io.isDirectory(call[1]) !== call[2]) return false;
        break;
      case "list":
        if (io.listDir(call[1]).join("\0") !== call[2]) return false;
        break;
    }
  }
  return true;
}

/** `view` names what `io` shows (the files on disk, or with kiln's pins undone) */
export async function loadProjectCached(
  options: LoadProjectOptions,
  io: ComposeIo = nodeComposeIo,
  view = "disk",
): Promise<ProjectModel> {
  const env = options.env ?? process.env;
  const { env: _omit, ...rest } = options;
  void _omit;
  const key = sha1Hex(JSON.stringify({ cwd: process.cwd(), options: rest, view }));
  const file = path.join(kilnStateRoot(env), "models", `${key}.json`);
  try {
    const entry = JSON.parse(readFileSync(file, "utf8")) as Entry;
    if (entry.version === VERSION && replays(entry, io, env)) return entry.model;
  } catch {
    // no entry, or unreadable: load
  }
  const calls: Call[] = [];
  const reads = new Map<string, string | null>();
  const flags = { enumerated: false };
  const model = await loadProject(
    { ...options, env: recordingEnv(env, reads, flags) },
    recordingIo(io, calls, path.dirname(file)),
  );
  // a memo we cannot write only costs the next run the load
  if (!flags.enumerated)
    writeCacheFile(file, JSON.stringify({ version: VERSION, calls, env: [...reads], model } satisfies Entry));
  return model;
}
