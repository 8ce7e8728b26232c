/**
 * `kiln why`: the difference between the inputs an image was built from (its recorded manifest)
 * and the current ones, field by field.
 */
import { changedKeys, withoutParents } from "../fingerprint/explain.js";
import type { FingerprintManifest } from "../fingerprint/fingerprint-types.js";
import { lineDiff, type LineChange } from "./line-diff.js";

export interface ValueChange<T> {
  before: T | undefined;
  after: T | undefined;
}

export interface InputDiff {
  files: { added: string[]; removed: string[]; changed: string[] };
  /** the Dockerfile changed; `lines` when both texts are known (comments included) */
  dockerfile?: { lines?: LineChange[] };
  args: ({ name: string } & ValueChange<string | null>)[];
  target?: ValueChange<string>;
  platforms?: ValueChange<string[]>;
  additionalContexts: ({ name: string } & ValueChange<string>)[];
  /** base image ref → local image ID before and after (null: not on the engine) */
  baseImages: ({ ref: string } & ValueChange<string | null>)[];
  /** services it is built FROM whose fingerprint changed */
  services: ({ service: string } & ValueChange<string>)[];
  labels: boolean;
}

export function inputDiff(previous: FingerprintManifest, current: FingerprintManifest): InputDiff {
  const files = { added: [] as string[], removed: [] as string[], changed: [] as string[] };
  for (const rel of withoutParents(changedKeys(previous.files, current.files))) {
    if (!(rel in previous.files)) files.added.push(rel);
    else if (!(rel in current.files)) files.removed.push(rel);
    else files.changed.push(rel);
  }
  const diff: InputDiff = {
    files,
    args: changedKeys(previous.args, current.args).map((name) => ({
      name,
      before: previous.args[name],
      after: current.args[name],
    })),
    additionalContexts: changedKeys(previous.additionalContexts, current.additionalContexts).map((name) => ({
      name,
      before: previous.additionalContexts[name],
      after: current.additionalContexts[name],
    })),
    baseImages: changedKeys(previous.baseImages, current.baseImages).map((ref) => ({
      ref,
      before: previous.baseImages[ref],
      after: current.baseImages[ref],
    })),
    services: changedKeys(previous.dependsOnServices, current.dependsOnServices).map((service) => ({
      service,
      before: previous.dependsOnServices[service],
      after: current.dependsOnServices[service],
    })),
    labels: changedKeys(previous.labels ?? {}, current.labels ?? {}).length > 0,
  };
  if (previous.dockerfile !== current.dockerfile) {
    diff.dockerfile =
      previous.dockerfileText !== undefined && current.dockerfileText !== undefined
        ? { lines: lineDiff(previous.dockerfileText, current.dockerfileText) }
        : {};
  }
  if ((previous.target ?? "") !== (current.target ?? ""))
    diff.target = { before: previous.target, after: current.target };
  if (previous.platforms.join(",") !== current.platforms.join(",")) {
    diff.platforms = { before: previous.platforms, after: current.platforms };
  }
  return diff;
}

/** whether the diff names anything at all */
export function diffIsEmpty(diff: InputDiff): boolean {
  return (
    diff.files.added.length + diff.files.removed.length + diff.files.changed.length === 0 &&
    diff.dockerfile === undefined &&
    diff.args.length === 0 &&
    diff.target === undefined &&
    diff.platforms === undefined &&
    diff.additionalContexts.length === 0 &&
    diff.baseImages.length === 0 &&
    diff.services.length === 0 &&
    !diff.labels
  );
}

/** how many inputs differ (each file, Dockerfile, arg, context, base image, service counts one) */
export function diffSize(d: InputDiff): number {
  return (
    d.files.added.length +
    d.files.removed.length +
    d.files.changed.length +
    (d.dockerfile ? 1 : 0) +
    d.args.length +
    (d.target ? 1 : 0) +
    (d.platforms ? 1 : 0) +
    d.additionalContexts.length +
    d.baseImages.length +
    d.services.length +
    (d.labels ? 1 : 0)
  );
}
