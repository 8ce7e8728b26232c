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
  }
  if (hasImage) {
    const image = findKey(files, service, "image") ?? viaExtends(files, service, "image");
    if (image) map.image = { ...at(image.file, image.pos), origin: image.pos.origin };
  }
  return map;
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
