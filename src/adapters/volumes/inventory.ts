/**
 * Everything `kiln volumes ls/ensure/fix` starts from: the projects that share caches, the
 * facts about their images, the caches found in them and the engine's view of each volume.
 */
import type { ComposeIo } from "../../core/compose/io.js";
import type { LoadProjectOptions, ProjectModel } from "../../core/compose/model.js";
import { detectCaches, type Detection } from "../../core/volumes/detect.js";
import { readKilnVolumesConfig, type DeclaredCache } from "../../core/volumes/kiln-extension.js";
import { buildVolumeReport, type VolumeReport } from "../../core/volumes/report.js";
import type { VolumeState } from "../../core/volumes/warnings.js";
import type { Engine } from "../engine/engine-types.js";
import type { VolumeTransfer } from "./volume-transfer.js";
import { readAllImageFacts } from "./image-facts.js";
import { loadProject } from "../project-loader.js";
import { discoverProjects } from "./project-discovery.js";
import { readVolumeStates } from "./volume-states.js";

export interface Inventory {
  projects: ProjectModel[];
  detection: Detection;
  states: Record<string, VolumeState>;
  report: VolumeReport;
}

export interface InventoryInput {
  projectDir: string;
  root: LoadProjectOptions;
  env: Record<string, string | undefined>;
  /** what the projects are loaded through (a run passes its ProjectFiles' io: read once, #14.3); default: the disk */
  io?: ComposeIo;
  /** reads a devcontainer.json found next to the project (default: from disk) */
  readText?: (file: string) => string | undefined;
  engine: Engine;
  transfer: VolumeTransfer;
  /** false: skip the engine's disk-usage walk (sizeBytes stays null) */
  sizes?: boolean;
}

function declaredCaches(projects: ProjectModel[]): DeclaredCache[] {
  const out: DeclaredCache[] = [];
  for (const p of projects) {
    for (const d of readKilnVolumesConfig(p.extensions).caches)
      if (!out.some((o) => o.purpose === d.purpose)) out.push(d);
  }
  return out;
}

export async function takeInventory(input: InventoryInput): Promise<Inventory> {
  const projects = await discoverProjects(
    {
      projectDir: input.projectDir,
      root: input.root,
      env: input.env,
      ...(input.readText ? { readText: input.readText } : {}),
    },
    (options) => loadProject(options, input.io),
  );
  const declared = declaredCaches(projects);
  // image facts only for services that mount volumes: they are the ones that can use a cache
  const images = projects.flatMap((p) =>
    p.allServices.filter((s) => s.volumes.some((v) => v.type === "volume")).map((s) => s.imageName),
  );
  const facts = await readAllImageFacts(input.transfer, images);
  const detection = detectCaches({ projects, images: facts, declared });
  const names = detection.groups.flatMap((g) => g.mounts.map((m) => m.engineName));
  const states = await readVolumeStates(input.engine, input.transfer, names, {
    sizes: input.sizes !== false,
  });
  const report = buildVolumeReport(
    detection,
    states,
    projects.map((p) => ({ name: p.name, projectDir: p.projectDir, files: p.files })),
  );
  return { projects, detection, states, report };
}
