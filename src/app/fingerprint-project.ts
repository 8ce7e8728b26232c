/**
 * Fingerprints every buildable service of an opened project, with pinned compose files seen as
 * they were before the pin (so a compose file inside its own context never makes it stale).
 */
import path from "node:path";
import type { FingerprintManifest } from "../core/fingerprint/index.js";
import { buildableServices } from "../core/plan/plan.js";
import type { ImageInfo } from "../adapters/engine/engine-types.js";
import type { DockerClient } from "../adapters/engine/client.js";
import type { OpenedProject } from "./open-project.js";
import { generatedConfigPath } from "../core/pin/devcontainer-override.js";
import type { Ports } from "./ports.js";
import { withDevcontainerLayers } from "./devcontainer-layers.js";

/** which sender decides what a context holds: the legacy client's differs from buildx's */
async function dialect(client: () => Promise<DockerClient>): Promise<"buildkit" | "legacy" | undefined> {
  try {
    const detected = await client();
    return detected.mode === "legacy" ? "legacy" : undefined;
  } catch {
    return undefined; // no BuildKit client: the build will say so; fingerprint as buildx would
  }
}

/** the engine (base image IDs), the build client (its dialect decides what a context holds), the files */
export type FingerprintPorts = Pick<Ports, "engine" | "builds" | "fingerprints" | "devcontainer">;

export async function fingerprintProject(
  project: OpenedProject,
  ports: FingerprintPorts,
  selection: { env: NodeJS.ProcessEnv; warn?: (line: string) => void },
): Promise<Map<string, FingerprintManifest>> {
  const engine = ports.engine;
  const services = buildableServices(project.model);
  // not awaited here: the engine's answer to it and to the base images' inspects travel at once
  const contextDialect = dialect(ports.builds.client);
  const inspected = new Map<string, Promise<ImageInfo | undefined>>();
  const inspect = (ref: string): Promise<ImageInfo | undefined> => {
    let hit = inspected.get(ref);
    if (!hit) {
      hit = engine.imageInspect(ref);
      inspected.set(ref, hit);
    }
    return hit;
  };
  const resolveImageId = (ref: string): Promise<string | undefined> => inspect(ref).then((i) => i?.id);
  const hasOnBuild = (ref: string): Promise<boolean> =>
    inspect(ref).then((i) => (i?.onBuild?.length ?? 0) > 0);
  const manifests = await ports.fingerprints.services(
    services.map((s) => ({
      service: s.name,
      build: s.build!,
      ...(s.platform ? { platform: s.platform } : {}),
    })),
    {
      resolveImageId,
      hasOnBuild,
      serviceImageNames: Object.fromEntries(project.model.services.map((s) => [s.name, s.imageName])),
      cacheFile: path.join(project.stateDir, "stat-cache.bin"),
      overrideContents: overrides(project),
      // kiln's generated devcontainer config (--mode override) sits in the seed's `context: ..`
      ...(project.model.devcontainer
        ? {
            excludePaths: [
              path.dirname(
                generatedConfigPath(
                  project.model.devcontainer.configPath,
                  project.model.devcontainer.workspaceFolder,
                ),
              ),
            ],
          }
        : {}),
      contextDialect,
    },
  );
  return withDevcontainerLayers(project.model, manifests, ports, {
    env: selection.env,
    ...(selection.warn ? { warn: selection.warn } : {}),
  });
}

/** pinned files' original texts, under the path the model names them by and their real path */
function overrides(project: OpenedProject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [file, target] of project.targets) {
    const text = project.unpinned.get(target);
    if (text === undefined) continue;
    out[file] = text;
    out[target] = text;
  }
  // a devcontainer.json kiln took the Features out of is fingerprinted as it was written
  const dc = project.model.devcontainer;
  const original = dc ? project.unpinned.get(dc.configPath) : undefined;
  if (dc && original !== undefined) out[dc.configPath] = original;
  return out;
}
