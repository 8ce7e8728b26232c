/**
 * `--mode override`: the tracked compose files stay untouched; kiln writes a separate file that
 * is passed last (`-f`) to compose v2 / listed last in devcontainer.json's dockerComposeFile.
 * `!reset null` (compose v2.24+) drops the inherited build: — compose v1 rejects `!reset`,
 * so the caller must refuse this mode there.
 *
 * Where it lives is the caller's choice; kiln's convention is the project's state dir
 * (`<projectStateDir>/compose.kiln.yml`): outside the project it is never part of a build
 * context and needs no .gitignore entry. It holds no relative paths, so its folder does not
 * change how compose resolves the other files.
 */
import { formatScalar } from "./locate-service.js";

export interface OverridePin {
  service: string;
  imageRef: string;
}

export const OVERRIDE_FILE_NAME = "compose.kiln.yml";

export function overrideText(pins: readonly OverridePin[]): string {
  const lines = [
    "# Written by kiln (bake --mode override): pins services to their baked images.",
    "# Generated; do not edit or commit. `kiln restore` removes it.",
    "services:",
  ];
  const sorted = [...pins].sort((a, b) => a.service.localeCompare(b.service));
  for (const pin of sorted) {
    lines.push(
      `  ${formatScalar(pin.service)}:`,
      "    build: !reset null",
      `    image: ${formatScalar(pin.imageRef)}`,
    );
  }
  if (sorted.length === 0) lines[lines.length - 1] = "services: {}";
  return lines.join("\n") + "\n";
}
