/**
 * `--mode override`: the tracked compose files stay untouched; the pins go to a generated
 * override file in kiln's state dir (outside the project: never in a build context, nothing to
 * git-ignore), which `kiln up` passes last and the user passes as the last `-f`. It needs
 * `build: !reset null`, which compose v1 cannot read — refused there. The file itself is read
 * and written through the state port (adapters/state/override-file.ts).
 */
import path from "node:path";
import { KilnError } from "../core/errors.js";
import { OVERRIDE_FILE_NAME } from "../core/pin/override-text.js";

export function overridePath(stateDir: string): string {
  return path.join(stateDir, OVERRIDE_FILE_NAME);
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
