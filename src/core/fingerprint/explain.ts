/**
 * What changed between two fingerprints, as data: the plan's cause carries it, and
 * src/report/change-text.ts says it in words ("sources changed (api/server.txt)").
 */
import type { FingerprintManifest } from "./fingerprint-types.js";
import { explainLayers } from "../devcontainer/layers.js";

export type ChangeVerb = "added" | "removed" | "changed";

export type InputChange =
  | { kind: "format" }
  | { kind: "dockerfile" }
  /** context files added, removed or changed (a new or removed directory named by what is inside) */
  | { kind: "sources"; paths: string[] }
  | { kind: "context" }
  | { kind: "arg"; name: string; change: ChangeVerb }
  | { kind: "target" }
  | { kind: "platforms" }
  | { kind: "additional-context"; name: string }
  | { kind: "base-image"; ref: string; change: ChangeVerb }
  | { kind: "service-image"; service: string }
  | { kind: "labels" }
  /** the devcontainer's Features / UID stages (#13): worded where the layers are compared */
  | { kind: "devcontainer"; detail: string }
  | { kind: "unknown" };

export function inputChanges(previous: FingerprintManifest, current: FingerprintManifest): InputChange[] {
  if (previous.hash === current.hash) return [];
  if (previous.version !== current.version) return [{ kind: "format" }];
  const out: InputChange[] = [];
  if (previous.dockerfile !== current.dockerfile) out.push({ kind: "dockerfile" });
  const files = withoutParents(changedKeys(previous.files, current.files));
  if (files.length > 0) out.push({ kind: "sources", paths: files });
  if ((previous.remoteContext ?? "") !== (current.remoteContext ?? "")) out.push({ kind: "context" });
  for (const name of changedKeys(previous.args, current.args)) {
    out.push({ kind: "arg", name, change: verb(name, previous.args, current.args) });
  }
  if ((previous.target ?? "") !== (current.target ?? "")) out.push({ kind: "target" });
  if (previous.platforms.join(",") !== current.platforms.join(",")) out.push({ kind: "platforms" });
  for (const name of changedKeys(previous.additionalContexts, current.additionalContexts)) {
    out.push({ kind: "additional-context", name });
  }
  for (const ref of changedKeys(previous.baseImages, current.baseImages)) {
    out.push({ kind: "base-image", ref, change: verb(ref, previous.baseImages, current.baseImages) });
  }
  for (const service of changedKeys(previous.dependsOnServices, current.dependsOnServices)) {
    out.push({ kind: "service-image", service });
  }
  if (changedKeys(previous.labels ?? {}, current.labels ?? {}).length > 0) out.push({ kind: "labels" });
  for (const detail of explainLayers(previous.devcontainer, current.devcontainer)) {
    out.push({ kind: "devcontainer", detail });
  }
  return out.length > 0 ? out : [{ kind: "unknown" }];
}

function verb(key: string, a: Record<string, unknown>, b: Record<string, unknown>): ChangeVerb {
  return !(key in a) ? "added" : !(key in b) ? "removed" : "changed";
}

/** Keys added, removed or with another value, sorted. */
export function changedKeys<T>(a: Record<string, T>, b: Record<string, T>): string[] {
  const out: string[] = [];
  for (const key of Object.keys(a)) if (!(key in b) || a[key] !== b[key]) out.push(key);
  for (const key of Object.keys(b)) if (!(key in a)) out.push(key);
  return out.sort();
}

/** A new or removed directory is named by what is inside it, not as an entry of its own. */
export function withoutParents(paths: string[]): string[] {
  const parents = new Set<string>();
  for (const p of paths) {
    for (let i = p.indexOf("/"); i > 0; i = p.indexOf("/", i + 1)) parents.add(p.slice(0, i));
  }
  return paths.filter((p) => !parents.has(p));
}
