/**
 * `--mode override`'s file in kiln's state dir (core/pin/override-text.ts writes its text): the
 * pins of the services baked so far, merged with each bake, removed by a full restore.
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { OVERRIDE_FILE_NAME, overrideText, type OverridePin } from "../../core/pin/override-text.js";
import { writeFileAtomic } from "../fs/atomic-write.js";

function overrideFile(stateDir: string): string {
  return path.join(stateDir, OVERRIDE_FILE_NAME);
}

/** service → image ref pinned by the override file */
export function readOverridePins(stateDir: string): Map<string, string> {
  const file = overrideFile(stateDir);
  const out = new Map<string, string>();
  if (!existsSync(file)) return out;
  const doc = parse(readFileSync(file, "utf8"), { customTags: [{ tag: "!reset", resolve: () => null }] }) as {
    services?: Record<string, { image?: string }>;
  } | null;
  for (const [name, svc] of Object.entries(doc?.services ?? {})) if (svc.image) out.set(name, svc.image);
  return out;
}

/** adds `pins` to the file (a service pinned again gets the new image); returns its path */
export async function writeOverridePins(stateDir: string, pins: OverridePin[]): Promise<string> {
  const merged = readOverridePins(stateDir);
  for (const p of pins) merged.set(p.service, p.imageRef);
  const file = overrideFile(stateDir);
  await writeFileAtomic(
    file,
    overrideText([...merged].map(([service, imageRef]) => ({ service, imageRef }))),
  );
  return file;
}

/** true when there was a file to remove */
export function removeOverridePins(stateDir: string): boolean {
  const file = overrideFile(stateDir);
  if (!existsSync(file)) return false;
  rmSync(file);
  return true;
}
