/**
 * Opens a project for bake/status/restore: the compose model as it was before kiln pinned it
 * (pins undone in memory, the user's later edits kept), kiln's pin records and its state dir.
 * A pin never changes what kiln thinks the project builds.
 *
 * One opened project per run (#14.3): every compose file and devcontainer.json is read once,
 * through the run's ProjectFiles (adapters/project-files.ts), and the opened project — texts,
 * model, unpinned overlay — is passed down to plan, pin, rebuild and up. What is located
 * before the project lock is checked after it with stats, not read again.
 */
import { parse } from "yaml";
import type { LoadProjectOptions, ProjectModel } from "../core/compose/model.js";
import type { ComposeIo } from "../core/compose/io.js";
import { unpinText } from "../core/pin/unpin-text.js";
import { withDevcontainerPin, withPin, type PinsFile } from "../core/pin/pins-file.js";
import type { ProjectFiles } from "../adapters/project-files.js";
import type { UnpinView } from "../adapters/unpin-memo.js";
import type { Ports } from "./ports.js";
import type { ProjectRequest } from "./request.js";
import { devcontainerPinIsLive, unpinnedDevcontainerText } from "./devcontainer-pin.js";

/** what opening a project needs: its files and compose loader, its state dir, a log for notes */
export type OpenPorts = Pick<Ports, "project" | "state" | "log">;

export interface OpenedProject {
  model: ProjectModel;
  /** the model of the files as they are on disk (pins and all): what compose itself sees */
  current: ProjectModel;
  stateDir: string;
  pins: PinsFile;
  /** absolute (symlink-resolved) path of a pinned file → its text with kiln's pins undone */
  unpinned: Map<string, string>;
  /** absolute path as the model names it → symlink-resolved path */
  targets: Map<string, string>;
  /** the run's files: every later read of a project file goes through them (read once) */
  files: ProjectFiles;
}

/** where a project is, found before the project lock is taken (nothing unpinned yet) */
export interface LocatedProject {
  projectDir: string;
  stateDir: string;
  /** the model of the files as they were on disk when located */
  model: ProjectModel;
  files: ProjectFiles;
}

export function loadOptions(globals: ProjectRequest, env: NodeJS.ProcessEnv): LoadProjectOptions {
  return {
    projectDir: globals.projectDir,
    files: globals.files,
    ...(globals.projectName ? { projectName: globals.projectName } : {}),
    profiles: globals.profiles,
    envFiles: globals.envFiles,
    ...(globals.devcontainer !== undefined ? { devcontainer: globals.devcontainer } : {}),
    env,
    variant: env.KILN_COMPOSE === "v1" ? "v1" : "v2",
  };
}

function overlayIo(
  ports: Pick<Ports, "project">,
  base: ComposeIo,
  overrides: Map<string, string>,
): ComposeIo {
  return {
    ...base,
    readText(file: string) {
      const hit = overrides.get(file) ?? overrides.get(safeTarget(ports, file));
      return hit ?? base.readText(file);
    },
  };
}

function safeTarget(ports: Pick<Ports, "project">, file: string): string {
  try {
    return ports.project.resolveTarget(file);
  } catch {
    return file;
  }
}

/** the text of `file` with every kiln pin in it undone */
export function unpinnedText(
  current: string,
  records: PinsFile["files"][string] | undefined,
  file: string,
): string {
  let text = current;
  for (const r of Object.values(records ?? {}).reverse()) text = unpinText(text, r.service, r, { file });
  return text;
}

/**
 * A pin the file no longer carries — the service has its `build:` back (a `git checkout`, a
 * hand revert) or is gone — is forgotten: the file as it is now is the truth. A pin whose image
 * line the user edited is still refused (kiln cannot tell what they meant). `memo`: what an
 * earlier run found for the same text and records (no YAML parsed then).
 */
function livePins(
  pins: PinsFile,
  targets: Map<string, string>,
  files: ProjectFiles,
  memo: Map<string, UnpinView>,
): { pins: PinsFile; dropped: string[]; gone: Map<string, string[]> } {
  let out = pins;
  const dropped: string[] = [];
  const goneByTarget = new Map<string, string[]>();
  for (const target of new Set(targets.values())) {
    const records = pins.files[target];
    if (!records) continue;
    let gone = memo.get(target)?.gone;
    if (gone === undefined) {
      let services: Record<string, { build?: unknown } | null> = {};
      try {
        const doc = parse(files.read(target)) as { services?: typeof services } | null;
        services = doc?.services ?? {};
      } catch {
        continue; // unreadable: the normal path reports it
      }
      gone = Object.values(records)
        .filter((r) => {
          const svc = services[r.service];
          return !svc || (typeof svc === "object" && "build" in svc);
        })
        .map((r) => r.service);
    }
    goneByTarget.set(target, gone);
    for (const service of gone) {
      out = withPin(out, target, service, null);
      dropped.push(`${service} (${target})`);
    }
  }
  return { pins: out, dropped, gone: goneByTarget };
}

/**
 * Finds the project's dir and state dir without reading pins or unpinning anything: what a run
 * needs before it takes the project lock. (Unpinning here raced a concurrent restore: the pin
 * records were read while the file was pinned, the file after the restore had unpinned it.)
 */
export async function locateProject(
  globals: ProjectRequest,
  env: NodeJS.ProcessEnv,
  ports: Pick<Ports, "project" | "state">,
  files: ProjectFiles = ports.project.files(),
): Promise<LocatedProject> {
  const model = await ports.project.load(loadOptions(globals, env), files.io);
  return { projectDir: model.projectDir, stateDir: ports.state.dir(model.projectDir, env), model, files };
}

/**
 * `ports.log` gets kiln's notes (a pin forgotten because the file no longer has it). `from`:
 * the run's files, or the project located before the lock — its model is kept when a stat of
 * every file it read (and the loader's directory probes) says nothing changed since; else the
 * changed files are read again and the model loaded afresh.
 */
export async function openProject(
  globals: ProjectRequest,
  env: NodeJS.ProcessEnv,
  ports: OpenPorts,
  from: ProjectFiles | LocatedProject = ports.project.files(),
): Promise<OpenedProject> {
  const options = loadOptions(globals, env);
  const located = "stateDir" in from ? from : undefined;
  const files = "stateDir" in from ? from.files : from;
  const first = located && files.unchanged() ? located.model : await ports.project.load(options, files.io);
  const stateDir = ports.state.dir(first.projectDir, env);
  const allTargets = new Map(first.files.map((f) => [f, safeTarget(ports, f)]));
  const recorded = ports.state.readPins(stateDir);
  const unpinMemo = ports.project.unpinMemo(env);
  const memo = new Map<string, UnpinView>();
  for (const target of new Set(allTargets.values())) {
    const records = recorded.files[target];
    if (!records) continue;
    let hit: UnpinView | undefined;
    try {
      hit = unpinMemo.get(target, files.read(target), records);
    } catch {
      hit = undefined; // unreadable: the normal path reports it
    }
    if (hit) memo.set(target, hit);
  }
  const live = livePins(recorded, allTargets, files, memo);
  const dropped = live.dropped;
  let pins = live.pins;
  if (dropped.length > 0) {
    ports.log(`kiln: no longer pinned in the file, forgetting the pin of ${dropped.join(", ")}`);
  }
  const unpinned = new Map<string, string>();
  const targets = new Map<string, string>();
  for (const file of first.files) {
    const target = safeTarget(ports, file);
    targets.set(file, target);
    const records = pins.files[target];
    if (!records || Object.keys(records).length === 0) continue;
    const hit = memo.get(target);
    if (hit?.unpinned) {
      unpinned.set(target, hit.unpinned);
      continue;
    }
    const text = files.read(target);
    const view = { gone: live.gone.get(target) ?? [], unpinned: unpinnedText(text, records, file) };
    unpinned.set(target, view.unpinned);
    if (!memo.has(target)) {
      unpinMemo.set(target, text, recorded.files[target], view);
      memo.set(target, view);
    }
  }
  // devcontainer.json without the Features kiln took out: the model sees them as written
  for (const [configPath, record] of Object.entries(pins.devcontainers ?? {})) {
    let text: string;
    try {
      text = files.readText(configPath) ?? "";
    } catch {
      text = "";
    }
    if (!text || !devcontainerPinIsLive(text, record)) {
      pins = withDevcontainerPin(pins, configPath, null);
      continue;
    }
    unpinned.set(configPath, unpinnedDevcontainerText(text, record));
    targets.set(configPath, configPath);
  }
  if (unpinned.size === 0) return { model: first, current: first, stateDir, pins, unpinned, targets, files };
  const byModelPath = new Map<string, string>();
  for (const [file, target] of targets) {
    const text = unpinned.get(target);
    if (text !== undefined) byModelPath.set(file, text);
  }
  const model = await ports.project.load(options, overlayIo(ports, files.io, byModelPath), "unpinned");
  return { model, current: first, stateDir, pins, unpinned, targets, files };
}
