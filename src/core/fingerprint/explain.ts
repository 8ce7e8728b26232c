/**
 * Why a fingerprint changed, in the plan's words: "sources changed (api/server.txt)",
 * "arg GREETING changed", "base image kiln-local/debian:bookworm changed", "Dockerfile changed".
 */
import type { FingerprintManifest } from "./types.js";
import { explainLayers } from "../devcontainer/layers.js";

const MAX_NAMES = 3;

export function explainChange(previous: FingerprintManifest, current: FingerprintManifest): string[] {
  if (previous.hash === current.hash) return [];
  if (previous.version !== current.version) return ["fingerprint format changed"];
  const reasons: string[] = [];
  if (previous.dockerfile !== current.dockerfile) reasons.push("Dockerfile changed");
  const files = withoutParents(changedKeys(previous.files, current.files));
  if (files.length > 0) reasons.push(`sources changed (${nameList(files)})`);
  if ((previous.remoteContext ?? "") !== (current.remoteContext ?? "")) reasons.push("context changed");
  for (const name of changedKeys(previous.args, current.args)) {
    const verb = !(name in previous.args) ? "added" : !(name in current.args) ? "removed" : "changed";
    reasons.push(`arg ${name} ${verb}`);
  }
  if ((previous.target ?? "") !== (current.target ?? "")) reasons.push("target changed");
  if (previous.platforms.join(",") !== current.platforms.join(",")) reasons.push("platforms changed");
  for (const name of changedKeys(previous.additionalContexts, current.additionalContexts)) {
    reasons.push(`additional context ${name} changed`);
  }
  for (const ref of changedKeys(previous.baseImages, current.baseImages)) {
    const verb = !(ref in previous.baseImages)
      ? "added"
      : !(ref in current.baseImages)
        ? "removed"
        : "changed";
    reasons.push(`base image ${ref} ${verb}`);
  }
  for (const service of changedKeys(previous.dependsOnServices, current.dependsOnServices)) {
    reasons.push(`image of service ${service} changed`);
  }
  if (changedKeys(previous.labels ?? {}, current.labels ?? {}).length > 0) reasons.push("labels changed");
  reasons.push(...explainLayers(previous.devcontainer, current.devcontainer));
  return reasons.length > 0 ? reasons : ["fingerprint changed"];
}

/** Keys added, removed or with another value, sorted. */
function changedKeys<T>(a: Record<string, T>, b: Record<string, T>): string[] {
  const out: string[] = [];
  for (const key of Object.keys(a)) if (!(key in b) || a[key] !== b[key]) out.push(key);
  for (const key of Object.keys(b)) if (!(key in a)) out.push(key);
  return out.sort();
}

/** A new or removed directory is named by what is inside it, not as an entry of its own. */
function withoutParents(paths: string[]): string[] {
  const parents = new Set<string>();
  for (const p of paths) {
    for (let i = p.indexOf("/"); i > 0; i = p.indexOf("/", i + 1)) parents.add(p.slice(0, i));
  }
  return paths.filter((p) => !parents.has(p));
}

function nameList(names: string[]): string {
  const shown = names.slice(0, MAX_NAMES).join(", ");
  return names.length > MAX_NAMES ? `${shown} and ${names.length - MAX_NAMES} more` : shown;
}
