/**
 * A `kiln status` cause in words (the only place they are made): `pinned image matches the
 * sources`, `sources changed (api/server.txt)`, `partly pinned: build: is back in …`.
 */
import type { StatusCause } from "../core/plan/status-cause.js";
import { changeText } from "./change-text.js";

export function statusReason(status: { name: string; image: string; cause: StatusCause }): string {
  const { cause, name, image } = status;
  switch (cause.code) {
    case "pinned-fresh":
      return "pinned image matches the sources";
    case "not-pinned":
      return cause.built
        ? "built for the current sources, not pinned (run `kiln bake`)"
        : "no image for the current sources";
    case "sources-changed":
      return cause.changes.length > 0
        ? cause.changes.map(changeText).join("; ")
        : "sources changed since the pinned build";
    case "image-missing":
      return `pinned image ${image} is not on the engine (run \`kiln rebuild ${name}\` or \`kiln restore\`)`;
    case "partly-pinned":
      return `partly pinned: build: is back in ${cause.files.join(", ")}, so compose builds it instead of using the pinned image (run \`kiln bake ${name}\` to pin it whole, or \`kiln restore ${name}\`)`;
    case "override-not-followed":
      return `pinned in kiln's override file, which the devcontainer does not follow: ${cause.problem}`;
    case "pinned-elsewhere": {
      const here = cause.imagePresent
        ? "that image is on this engine"
        : "that image is not on this engine, so compose cannot start it";
      const advice = cause.fix
        ? `run \`${cause.fix.command}\` (${cause.fix.why})`
        : `put its build: back (git checkout -- ${cause.file}, or copy the file from the folder kiln baked it in)`;
      return `${cause.file}:${cause.line} pins it to a kiln image, but this folder has no record of the pin (made in another folder, or kiln's state was removed); ${here}; ${advice}`;
    }
  }
}
