/**
 * `kiln volumes fix` as a plan: which edits make every project mount each shared cache
 * under the same explicit engine name (and external, when asked). Pure: the compose texts
 * come in, a list of edits and the edited texts go out; the CLI writes them.
 */
import type { ProjectModel } from "../compose/model.js";
import { addServiceMount, addTopLevelVolume, hasTopLevelVolume, setVolumeProperty } from "./compose-edit.js";
import type { CacheGroup, Detection, ServiceRef } from "./detect.js";
import { defaultPathFor } from "./purposes.js";
import { where } from "./warnings.js";

export type FixAction =
  | { kind: "set-name"; file: string; project: string; volumeKey: string; name: string }
  | { kind: "set-external"; file: string; project: string; volumeKey: string }
  | { kind: "add-volume"; file: string; project: string; volumeKey: string; name: string; external: boolean }
  | { kind: "add-mount"; file: string; project: string; service: string; mount: string }
  | { kind: "note"; file: string; project: string; volumeKey: string; message: string };

export interface FixOptions {
  /** mark every shared cache `external: true` (so `down -v` leaves it alone) */
  external?: boolean;
  /** add the cache to services that mount other caches but not this one (default true) */
  addMounts?: boolean;
}

/** the last compose file of the project that declares `volumes.<key>` */
function declaringFile(
  project: ProjectModel,
  key: string,
  texts: Record<string, string>,
): string | undefined {
  for (const file of [...project.files].reverse()) {
    const text = texts[file];
    if (text !== undefined && hasTopLevelVolume(text, key)) return file;
  }
  return undefined;
}

function mountPathFor(group: CacheGroup, ref: ServiceRef): string {
  const fromEnv = defaultPathFor(group.purpose, "/nonexistent", ref.environment);
  if (fromEnv && !fromEnv.startsWith("/nonexistent")) return fromEnv;
  if (group.declared?.path) return group.declared.path;
  if (ref.user.home) {
    const byHome = defaultPathFor(group.purpose, ref.user.home, {});
    if (byHome) return byHome;
  }
  return group.mounts[0]?.path ?? `/cache/${group.sharedName}`;
}

function describe(action: FixAction): string {
  const file = action.file;
  switch (action.kind) {
    case "set-name":
      return `${file}: volumes.${action.volumeKey}.name: ${action.name}`;
    case "set-external":
      return `${file}: volumes.${action.volumeKey}.external: true`;
    case "add-volume":
      return `${file}: add volumes.${action.volumeKey} (name: ${action.name}${action.external ? ", external: true" : ""})`;
    case "add-mount":
      return `${file}: services.${action.service}.volumes += ${action.mount}`;
    case "note":
      return `${file}: volumes.${action.volumeKey}: ${action.message}`;
  }
}

export function describeFix(action: FixAction): string {
  return describe(action);
}

export function planFixes(
  detection: Detection,
  projects: ProjectModel[],
  texts: Record<string, string>,
  options: FixOptions = {},
): FixAction[] {
  const actions: FixAction[] = [];
  const seen = new Set<string>();
  const push = (a: FixAction): void => {
    const key = describe(a);
    if (seen.has(key)) return;
    seen.add(key);
    actions.push(a);
  };
  const byName = new Map(projects.map((p) => [p.name, p]));
  for (const group of detection.groups) {
    const external = options.external === true || group.wantExternal;
    for (const m of group.mounts) {
      const project = byName.get(m.project);
      if (!project) continue;
      const file = declaringFile(project, m.volumeKey, texts);
      if (!file) continue;
      if (!(m.explicitName && m.engineName === group.sharedName)) {
        push({ kind: "set-name", file, project: m.project, volumeKey: m.volumeKey, name: group.sharedName });
      }
      if (external && !m.external) {
        const volume = project.volumes[m.volumeKey];
        // compose rejects `external` next to driver/labels: leave those volumes to the user
        if (volume && (volume.driver !== undefined || Object.keys(volume.labels).length > 0)) {
          push({
            kind: "note",
            file,
            project: m.project,
            volumeKey: m.volumeKey,
            message:
              "not marked external: it sets driver or labels, which compose forbids with external: true",
          });
        } else push({ kind: "set-external", file, project: m.project, volumeKey: m.volumeKey });
      }
    }
    const mounted = new Set(group.mounts.map((m) => where(m)));
    for (const ref of options.addMounts === false ? [] : detection.participants) {
      if (mounted.has(where(ref))) continue;
      const project = byName.get(ref.project);
      if (!project) continue;
      const serviceFile = ref.file ?? project.files[project.files.length - 1];
      if (!serviceFile) continue;
      const existing = Object.values(project.volumes).find((v) => v.engineName === group.sharedName);
      let key = existing?.key ?? group.mounts[0]?.volumeKey ?? group.sharedName;
      if (!existing) {
        const declared = project.volumes[key] ? declaringFile(project, key, texts) : undefined;
        if (project.volumes[key] && declared) {
          push({
            kind: "set-name",
            file: declared,
            project: ref.project,
            volumeKey: key,
            name: group.sharedName,
          });
          if (external && !project.volumes[key]?.external)
            push({ kind: "set-external", file: declared, project: ref.project, volumeKey: key });
        } else {
          if (project.volumes[key]) key = `${key}-shared`;
          push({
            kind: "add-volume",
            file: serviceFile,
            project: ref.project,
            volumeKey: key,
            name: group.sharedName,
            external,
          });
        }
      }
      push({
        kind: "add-mount",
        file: serviceFile,
        project: ref.project,
        service: ref.service,
        mount: `${key}:${mountPathFor(group, ref)}`,
      });
    }
  }
  return actions;
}

/** applies the plan to the texts; returns only the files that changed */
export function applyFixes(actions: FixAction[], texts: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  const current = (file: string): string => out[file] ?? texts[file] ?? "";
  for (const a of actions) {
    const text = current(a.file);
    switch (a.kind) {
      case "set-name":
        out[a.file] = setVolumeProperty(text, a.volumeKey, "name", a.name, a.file);
        break;
      case "set-external":
        out[a.file] = setVolumeProperty(text, a.volumeKey, "external", true, a.file);
        break;
      case "add-volume":
        out[a.file] = hasTopLevelVolume(text, a.volumeKey)
          ? text
          : addTopLevelVolume(text, a.volumeKey, { name: a.name, external: a.external }, a.file);
        break;
      case "add-mount":
        out[a.file] = addServiceMount(text, a.service, a.mount, a.file);
        break;
      case "note":
        break;
    }
  }
  for (const [file, text] of Object.entries(out)) if (text === texts[file]) delete out[file];
  return out;
}
