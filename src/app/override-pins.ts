/**
 * `--mode override`: the tracked compose files stay untouched; the pins go to a generated
 * override file in kiln's state dir (outside the project: never in a build context, nothing to
 * git-ignore), which `kiln up` passes last and the user passes as the last `-f`. It needs
 * `build: !reset null`, which compose v1 cannot read — refused there.
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { KilnError } from "../core/errors.js";
import { OVERRIDE_FILE_NAME, overrideText, type OverridePin } from "../core/pin/override-text.js";
import { writeFileAtomic } from "../adapters/fs/atomic-write.js";

export function overridePath(stateDir: string): string {
  return path.join(stateDir, OVERRIDE_FILE_NAME);
}

/** service → image ref pinned by the override file */
export function readOverridePins(stateDir: string): Map<string, string> {
  const file = overridePath(stateDir);
  const out = new Map<string, string>();
  if (!existsSync(file)) return out;
  const doc = parse(readFileSync(file, "utf8"), { customTags: [{ tag: "!reset", resolve: () => null }] }) as {
    services?: Record<string, { image?: string }>;
  } | null;
  for (const [name, svc] of Object.entries(doc?.services ?? {})) if (svc.image) out.set(name, svc.image);
  return out;
}

export function refuseOverrideUnderV1(variant: "v1" | "v2"): void {
  if (variant === "v1") {
    // v1 cannot drop an inherited build: in an override file (no `!reset`), and the Dev Containers
    // CLI runs `compose build` before `up`: a pinned service that keeps build: gets rebuilt and
    // its pinned tag moved to an unlabelled image. Refused before anything is built.
    throw new KilnError(
      "ERR_KILN_OVERRIDE_COMPOSE_V1",
      "--mode override needs compose v2: docker-compose v1 cannot read `build: !reset null`, and without it the pinned services would be built again",
      {
        hint: "bake with the default --mode inplace (the compose file is backed up; `kiln restore` undoes it), or install the compose v2 plugin (`docker compose version`)",
      },
    );
  }
}

export async function writeOverridePins(stateDir: string, pins: OverridePin[]): Promise<string> {
  const merged = readOverridePins(stateDir);
  for (const p of pins) merged.set(p.service, p.imageRef);
  const file = overridePath(stateDir);
  await writeFileAtomic(
    file,
    overrideText([...merged].map(([service, imageRef]) => ({ service, imageRef }))),
  );
  return file;
}

export function removeOverridePins(stateDir: string): boolean {
  const file = overridePath(stateDir);
  if (!existsSync(file)) return false;
  rmSync(file);
  return true;
}
