/** Temp contexts and build specs for the fingerprint tests. */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { BuildSpec } from "../../../src/core/compose/model.js";
import type { FingerprintInput } from "../../../src/core/fingerprint/index.js";
import {
  fingerprintServices,
  type FingerprintServicesDeps,
} from "../../../src/adapters/fs/fingerprint-services.js";

export function makeTempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), "kiln-fp-"));
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Writes files: path → content; a value `{ link }` makes a symlink, `{ mode }` sets a mode. */
export type TreeSpec = Record<
  string,
  string | { link: string } | { content: string; mode: number } | { dir: true }
>;

export function writeTree(root: string, tree: TreeSpec): void {
  for (const [rel, spec] of Object.entries(tree)) {
    const abs = path.join(root, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    if (typeof spec === "string") writeFileSync(abs, spec);
    else if ("link" in spec) symlinkSync(spec.link, abs);
    else if ("dir" in spec) mkdirSync(abs, { recursive: true });
    else {
      writeFileSync(abs, spec.content);
      chmodSync(abs, spec.mode);
    }
  }
}

import { buildSpec } from "../../helpers/build-spec.js";

export { buildSpec };

export const noImages = async (): Promise<string | undefined> => undefined;

/** Fingerprints one service whose context is `dir`. */
export async function fingerprintOne(
  dir: string,
  overrides: Partial<BuildSpec> = {},
  deps: Partial<FingerprintServicesDeps> = {},
  input: Partial<FingerprintInput> = {},
) {
  const result = await fingerprintServices([{ service: "app", build: buildSpec(dir, overrides), ...input }], {
    resolveImageId: noImages,
    serviceImageNames: {},
    ...deps,
  });
  return result.get("app")!;
}
