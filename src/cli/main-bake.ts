/**
 * The entry of bin/kiln's bake bundle (dist/bundle/kiln-bake.cjs): the commands that bake and
 * plan, and none of the others' code — a no-op bake's start-up loads and initialises less (#14).
 * bin/kiln runs it only for a run that invokes one of them with no help asked (the rule of
 * program.ts's invokedCommandOf); every other run, the whole program (main.ts).
 */
import { BAKE_REGISTRATIONS } from "./commands-bake.js";
import { runMain } from "./program.js";

export async function main(argv: string[]): Promise<void> {
  await runMain(argv, BAKE_REGISTRATIONS);
}
