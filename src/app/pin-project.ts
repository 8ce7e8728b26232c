/**
 * Pins services to their baked images, or unpins them, as one all-or-none change of every
 * compose file involved plus kiln's pin records (journal commit). The pristine original of each
 * file is backed up before its first change. A service whose build: is split across files
 * (compose.yaml + compose.override.yaml, a two-entry dockerComposeFile) is pinned in each of
 * them, so the merged model has no build: left.
 */
import { KilnError } from "../core/errors.js";
import { pinService } from "../core/pin/pin-text.js";
import { withPin, type PinsFile } from "../core/pin/pins-file.js";
import { repinText, unpinText } from "../core/pin/unpin-text.js";
import type { FileChange } from "../adapters/state/journal.js";
import type { OpenedProject } from "./open-project.js";
import type { Ports } from "./ports.js";
import { devcontainerPinChange, devcontainerUnpinChange } from "./devcontainer-pin.js";

export interface PinRequest {
  service: string;
  imageRef: string;
}

export interface PinOutcome {
  /** services whose pin changed */
  pinned: string[];
  /** services already pinned to that image */
  unchanged: string[];
  files: string[];
}

/**
 * Every file that writes the service's `build:` — compose merges them, so a pin that left one
 * would leave the merged model building (#12.1) — as the symlink-resolved paths kiln edits.
 */
function declaringFiles(project: OpenedProject, service: string): string[] {
  const svc =
    project.model.services.find((s) => s.name === service) ??
    project.model.allServices.find((s) => s.name === service);
  const locs = svc?.source.builds ?? (svc?.source.build ? [svc.source.build] : []);
  if (!svc || locs.length === 0) {
    throw new KilnError("ERR_KILN_PIN_REFUSED", `cannot find where service "${service}" declares build:`, {
      hint: "kiln pins the file that declares the service's build: key",
    });
  }
  for (const loc of locs) {
    if (loc.origin === "extends" || loc.origin === "merge-key") {
      throw new KilnError(
        "ERR_KILN_PIN_REFUSED",
        `service "${service}" inherits build: (${loc.origin === "extends" ? "extends" : "a << merge key"} in ${loc.file}:${loc.line}); pinning it in place would change the shared base`,
        {
          hint: `use \`kiln bake --mode override\` (compose v2), or give "${service}" its own build: key`,
          location: `${loc.file}:${loc.line}`,
        },
      );
    }
  }
  const shadow = svc.source.imageAfterBuild;
  if (shadow) {
    throw new KilnError(
      "ERR_KILN_PIN_REFUSED",
      `service "${service}" gets its image: from ${shadow.file}:${shadow.line}, merged after the files that write its build:; an image pinned in place would not be the one compose uses`,
      {
        hint: "use `kiln bake --mode override` (compose v2): kiln's override file is merged last",
        location: `${shadow.file}:${shadow.line}`,
      },
    );
  }
  return [...new Set(locs.map((loc) => project.targets.get(loc.file) ?? loc.file))];
}

/**
 * One journal commit of the project's files and, with `pins`, kiln's pin records; the run's
 * files keep the texts written, so what comes next (rebuild's pin, `up`'s model) does not read
 * them again. (The journal itself still compares each file's bytes with `expectedCurrent`
 * before replacing it: an edit made meanwhile is refused, never overwritten.)
 */
export function commitProjectFiles(
  project: OpenedProject,
  ports: Pick<Ports, "state">,
  changes: FileChange[],
  pins?: PinsFile,
): void {
  ports.state.commit(project.stateDir, changes, pins);
  for (const c of changes) if (typeof c.content === "string") project.files.wrote(c.path, c.content);
}

/**
 * Refuses, before anything is built, a pin that could not be written: an inherited build:, or
 * a read-only compose file (by its mode bits — root could write it, but the user said no).
 */
export function checkPinnable(
  project: OpenedProject,
  ports: Pick<Ports, "project">,
  services: string[],
): void {
  for (const service of services) {
    for (const file of declaringFiles(project, service)) {
      if (ports.project.readOnly(file)) {
        throw new KilnError("ERR_KILN_FILE_READONLY", `${file} is read-only; kiln changed nothing`, {
          hint: `make it writable (chmod u+w ${file}), or use \`kiln build\` to build without pinning`,
        });
      }
    }
  }
}

export function pinProject(
  project: OpenedProject,
  ports: Pick<Ports, "state">,
  requests: PinRequest[],
): PinOutcome {
  const byFile = new Map<string, PinRequest[]>();
  for (const r of requests) {
    for (const file of declaringFiles(project, r.service)) byFile.set(file, [...(byFile.get(file) ?? []), r]);
  }
  let pins: PinsFile = project.pins;
  const changes: FileChange[] = [];
  const outcome: PinOutcome = { pinned: [], unchanged: [], files: [] };
  const backups = ports.state.backups(project.stateDir);
  for (const [file, list] of byFile) {
    const current = project.files.read(file);
    let text = current;
    for (const r of list) {
      const record = pins.files[file]?.[r.service];
      if (record?.imageRef === r.imageRef) {
        outcome.unchanged.push(r.service);
        continue;
      }
      const next = record
        ? repinText(text, r.service, record, r.imageRef, { file })
        : pinService(text, r.service, r.imageRef, { file });
      text = next.text;
      pins = withPin(pins, file, r.service, record ? { ...next.record } : next.record);
      outcome.pinned.push(r.service);
    }
    if (text === current) continue;
    // a file with no live pin is its own original again (e.g. reverted with git): back that up
    if (!project.pins.files[file] && backups.get(file)) backups.discard(file);
    backups.ensureBackup(file, current);
    changes.push({ path: file, content: text, expectedCurrent: current });
    outcome.files.push(file);
  }
  // the devcontainer's image carries its Features now: take them out of devcontainer.json too
  const dc = devcontainerPinChange(project, backups, [...outcome.pinned, ...outcome.unchanged], pins);
  if (dc) {
    pins = dc.pins;
    changes.push(dc.change);
    outcome.files.push(dc.change.path);
  }
  if (changes.length > 0) commitProjectFiles(project, ports, changes, pins);
  // a service pinned in several files (a split build:) is named once
  outcome.pinned = [...new Set(outcome.pinned)];
  outcome.unchanged = [...new Set(outcome.unchanged)].filter((s) => !outcome.pinned.includes(s));
  return outcome;
}

export interface UnpinOutcome {
  restored: string[];
  files: string[];
}

/** Unpins the given services (all pinned ones when `services` is empty). */
export function unpinProject(
  project: OpenedProject,
  ports: Pick<Ports, "state">,
  services: string[],
): UnpinOutcome {
  let pins: PinsFile = project.pins;
  const changes: FileChange[] = [];
  const outcome: UnpinOutcome = { restored: [], files: [] };
  for (const [file, records] of Object.entries(project.pins.files)) {
    const chosen = Object.values(records).filter(
      (r) => services.length === 0 || services.includes(r.service),
    );
    if (chosen.length === 0) continue;
    const current = project.files.read(file);
    let text = current;
    for (const r of [...chosen].reverse()) {
      text = unpinText(text, r.service, r, { file });
      pins = withPin(pins, file, r.service, null);
      outcome.restored.push(r.service);
    }
    changes.push({ path: file, content: text, expectedCurrent: current });
    outcome.files.push(file);
  }
  const dc = devcontainerUnpinChange(project, services, pins);
  if (dc) {
    pins = dc.pins;
    changes.push(dc.change);
    outcome.files.push(dc.change.path);
  }
  if (changes.length > 0) {
    commitProjectFiles(project, ports, changes, pins);
    // a fully unpinned file is its own original again (plus the user's edits): the next bake
    // must back up that, not an older original
    const backups = ports.state.backups(project.stateDir);
    for (const file of outcome.files)
      if (!pins.files[file] && !pins.devcontainers?.[file]) backups.discard(file);
  }
  outcome.restored = [...new Set(outcome.restored)];
  return outcome;
}
