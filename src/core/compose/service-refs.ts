/**
 * References to services that must exist: `depends_on` in the files, and `service` /
 * `runServices` in devcontainer.json — compose and the Dev Containers CLI both refuse them.
 */
import { KilnError } from "../errors.js";
import type { LoadedFile } from "./extends.js";
import type { DevcontainerModel, ServiceModel } from "./model.js";
import { locate, SEP } from "./yaml-tree.js";

export function checkDependsOn(services: ServiceModel[], files: readonly LoadedFile[]): void {
  const known = new Set(services.map((s) => s.name));
  for (const s of services) {
    for (const dep of s.dependsOn) {
      if (known.has(dep)) continue;
      const file = [...files]
        .reverse()
        .find((f) => f.positions.has(`services${SEP}${s.name}${SEP}depends_on`));
      throw new KilnError(
        "ERR_KILN_UNKNOWN_SERVICE",
        `service "${s.name}" depends on undefined service "${dep}"`,
        {
          location: file ? locate(file, `services${SEP}${s.name}${SEP}depends_on${SEP}${dep}`) : undefined,
          hint: `services defined: ${[...known].join(", ")}`,
        },
      );
    }
  }
}

export function checkDevcontainerServices(
  dc: DevcontainerModel,
  services: ServiceModel[],
  configText: string | undefined,
): void {
  const known = new Set(services.map((s) => s.name));
  const wanted: [string, string][] = [];
  if (dc.service !== undefined) wanted.push(["service", dc.service]);
  for (const r of dc.runServices ?? []) wanted.push(["runServices", r]);
  for (const [key, name] of wanted) {
    if (known.has(name)) continue;
    const offset = configText?.indexOf(`"${key}"`) ?? -1;
    const line = offset < 0 ? 1 : (configText as string).slice(0, offset).split("\n").length;
    throw new KilnError(
      "ERR_KILN_UNKNOWN_SERVICE",
      `devcontainer.json names service "${name}", which the compose files do not define`,
      {
        location: `${dc.configPath}:${line}`,
        hint: `services defined: ${[...known].join(", ") || "(none)"}; fix "${key}" or the compose files`,
      },
    );
  }
}
