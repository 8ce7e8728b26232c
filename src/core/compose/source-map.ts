/**
 * Where each service's `services.<name>`, `build:` and `image:` keys are written: the last
 * file that writes them wins (as in the merge), and a `build:` that only an `extends:` base
 * has points into the base's file.
 */
import type { LoadedFile } from "./extends.js";
import type { BuildOrigin, ServiceSourceMap, SourceLocation } from "./model.js";
import { SEP, type KeyPosition } from "./yaml-tree.js";

function at(file: LoadedFile, pos: Found["pos"]): SourceLocation {
  return { file: file.file, line: pos.line, column: pos.column };
}

type Found = { file: LoadedFile; pos: Omit<KeyPosition, "origin"> & { origin: BuildOrigin } };

function findKey(files: readonly LoadedFile[], service: string, key: string): Found | undefined {
  for (let i = files.length - 1; i >= 0; i--) {
    const file = files[i];
    const pos = file.positions.get(`services${SEP}${service}${SEP}${key}`);
    if (pos) return { file, pos };
  }
  return undefined;
}

export function serviceSourceMap(
  files: readonly LoadedFile[],
  service: string,
  hasBuild: boolean,
  hasImage: boolean,
): ServiceSourceMap {
  const map: ServiceSourceMap = {};
  for (let i = files.length - 1; i >= 0 && !map.service; i--) {
    const file = files[i];
    const pos = file.positions.get(`services${SEP}${service}`);
    if (pos) map.service = at(file, pos);
  }
  if (hasBuild) {
    const build = findKey(files, service, "build") ?? viaExtends(files, service, "build");
    if (build) map.build = { ...at(build.file, build.pos), origin: build.pos.origin };
    const all = findAll(files, service, "build");
    map.builds = all.length > 0 ? all : map.build ? [map.build] : [];
  }
  if (hasImage) {
    const image = findKey(files, service, "image") ?? viaExtends(files, service, "image");
    if (image) map.image = { ...at(image.file, image.pos), origin: image.pos.origin };
  }
  const images = findAll(files, service, "image");
  if (images.length > 0) map.images = images;
  if (hasBuild) {
    // an image: merged after the last file that writes build: wins over any image a pin writes
    const lastBuild = lastIndexOf(files, service, "build");
    for (let i = files.length - 1; i > lastBuild; i--) {
      const pos = files[i].positions.get(`services${SEP}${service}${SEP}image`);
      if (pos) {
        map.imageAfterBuild = at(files[i], { ...pos, origin: pos.origin });
        break;
      }
    }
  }
  return map;
}

function lastIndexOf(files: readonly LoadedFile[], service: string, key: string): number {
  for (let i = files.length - 1; i >= 0; i--) {
    if (files[i].positions.has(`services${SEP}${service}${SEP}${key}`)) return i;
  }
  return -1;
}

/** every file that writes the key for the service, in merge order (#12.1: a split build:) */
function findAll(
  files: readonly LoadedFile[],
  service: string,
  key: string,
): (SourceLocation & { origin: BuildOrigin })[] {
  const out: (SourceLocation & { origin: BuildOrigin })[] = [];
  const seen = new Set<string>();
  for (const file of files) {
    const pos = file.positions.get(`services${SEP}${service}${SEP}${key}`);
    if (!pos || seen.has(file.file)) continue;
    seen.add(file.file);
    out.push({ ...at(file, pos), origin: pos.origin });
  }
  return out;
}

function viaExtends(files: readonly LoadedFile[], service: string, key: string): Found | undefined {
  for (let i = files.length - 1; i >= 0; i--) {
    let link = files[i].extendsOf.get(service);
    for (let hops = 0; link && hops < 50; hops++) {
      const pos = link.file.positions.get(`services${SEP}${link.service}${SEP}${key}`);
      if (pos) return { file: link.file, pos: { ...pos, origin: "extends" } };
      link = link.file.extendsOf.get(link.service);
    }
  }
  return undefined;
}
