/**
 * The commands that bake and plan — the ones run most, and whose start-up is most of a no-op
 * bake's time. bin/kiln runs them from a bundle of their own (dist/bundle/kiln-bake.cjs, entry
 * main-bake.ts) that holds none of the other commands' code (#14); commands.ts lists them with
 * the others for the whole program.
 */
import { registerBake } from "./bake.js";
import { registerPull } from "./pull.js";
import { registerPush } from "./push.js";
import type { Registration } from "./registration.js";
import { registerStatus } from "./status.js";
import { registerUp } from "./up.js";
import { registerWhy } from "./why.js";

export const BAKE_REGISTRATIONS: readonly Registration[] = [
  { names: ["bake", "build", "rebuild"], register: registerBake },
  { names: ["pull"], register: registerPull },
  { names: ["push"], register: registerPush },
  { names: ["status"], register: registerStatus },
  { names: ["up"], register: registerUp },
  { names: ["why"], register: registerWhy },
];
