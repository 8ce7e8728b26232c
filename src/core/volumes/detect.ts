/**
 * Finds the cache volumes of a set of compose projects: every named volume mounted on a
 * well-known cache path (or on a path an `x-kiln.caches` entry names, or whose name says it
 * is a cache), grouped by purpose across projects — so the devcontainer's and test-gen's
 * Hugging Face caches are one cache even when compose resolves them to two volumes.
 */
import type { ProjectModel, ServiceModel } from "../compose/model.js";
import type { DeclaredCache } from "./kiln-extension.js";
import { isDataPath, purposeForName, purposeForPath, type CachePurpose } from "./purposes.js";
import { remoteUserSpec } from "../devcontainer/remote-user.js";
import { resolveUser, type PasswdEntry, type ResolvedUser } from "./users.js";

/** what kiln read from a service's image (absent when the image is not local) */
export interface ImageFacts {
  /** Config.User */
  user?: string;
  passwd?: PasswdEntry[];
  groups?: Map<string, number>;
  /** /etc/apt/apt.conf.d/docker-clean exists: apt empties /var/cache/apt after each install */
  aptDockerClean?: boolean;
  /** the `devcontainer.metadata` label's entries (Features and baked images write remoteUser) */
  devcontainerMetadata?: Record<string, unknown>[];
}

export interface ServiceRef {
  project: string;
  projectDir: string;
  service: string;
  /** the compose file whose `services.<name>` mapping wins */
  file?: string;
  user: ResolvedUser;
  environment: Record<string, string | null>;
  image: string;
}

export interface CacheMount extends ServiceRef {
  path: string;
  volumeKey: string;
  engineName: string;
  external: boolean;
  explicitName: boolean;
  aptDockerClean?: boolean;
}

export interface CacheGroup {
  /** the purpose, or `volume:<key>` for a cache known only by its declaration */
  id: string;
  purpose: CachePurpose;
  /** the engine name every project should use: x-kiln's, an explicit `name:`, else the key */
  sharedName: string;
  /** x-kiln asks for the volume to be external */
  wantExternal: boolean;
  declared?: DeclaredCache;
  mounts: CacheMount[];
}

export interface Detection {
  groups: CacheGroup[];
  /** services that mount at least one cache: each is expected to mount every cache */
  participants: ServiceRef[];
}

export interface DetectInput {
  projects: ProjectModel[];
  images?: Record<string, ImageFacts>;
  declared?: DeclaredCache[];
}

function serviceRef(
  project: ProjectModel,
  service: ServiceModel,
  images: Record<string, ImageFacts>,
): ServiceRef {
  const facts = images[service.imageName];
  // a devcontainer's service: the caches are written by the developer's processes, which run as
  // the remote user (vscode), not as the container's main process
  const spec =
    project.devcontainer?.service === service.name
      ? remoteUserSpec({
          config: project.devcontainer.config,
          ...(facts?.devcontainerMetadata ? { metadata: facts.devcontainerMetadata } : {}),
          ...(service.user ? { serviceUser: service.user } : {}),
          ...(facts?.user ? { imageUser: facts.user } : {}),
        })
      : (service.user ?? facts?.user);
  return {
    project: project.name,
    projectDir: project.projectDir,
    service: service.name,
    ...(service.source.service?.file ? { file: service.source.service.file } : {}),
    user: resolveUser(spec, facts?.passwd, facts?.groups),
    environment: service.environment,
    image: service.imageName,
  };
}

function classify(
  key: string,
  engineName: string,
  target: string,
  environment: Record<string, string | null>,
  declared: DeclaredCache[],
): { purpose: CachePurpose; declared?: DeclaredCache } | undefined {
  const byVolume = declared.find((d) => d.volume === engineName || d.volume === key);
  if (byVolume) return { purpose: byVolume.purpose, declared: byVolume };
  const byPath = declared.find(
    (d) => d.path !== undefined && d.path.replace(/\/+$/, "") === target.replace(/\/+$/, ""),
  );
  if (byPath) return { purpose: byPath.purpose, declared: byPath };
  // a database's data folder is never guessed a cache from the volume's name
  const purpose =
    purposeForPath(target, environment) ?? (isDataPath(target) ? undefined : purposeForName(key));
  if (!purpose) return undefined;
  const decl = declared.find((d) => d.purpose === purpose);
  return decl ? { purpose, declared: decl } : { purpose };
}

function mostCommon(values: string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | undefined;
  let bestCount = 0;
  for (const [v, c] of counts) {
    if (c > bestCount) {
      best = v;
      bestCount = c;
    }
  }
  return best;
}

export function detectCaches(input: DetectInput): Detection {
  const images = input.images ?? {};
  const declared = input.declared ?? [];
  const groups = new Map<string, CacheGroup>();
  const participants: ServiceRef[] = [];
  for (const project of input.projects) {
    for (const service of project.allServices) {
      const ref = serviceRef(project, service, images);
      let mountsAny = false;
      for (const mount of service.volumes) {
        if (mount.type !== "volume" || !mount.source) continue;
        const volume = project.volumes[mount.source];
        if (!volume) continue;
        const found = classify(volume.key, volume.engineName, mount.target, service.environment, declared);
        if (!found) continue;
        mountsAny = true;
        const id = found.purpose;
        let group = groups.get(id);
        if (!group) {
          group = { id, purpose: found.purpose, sharedName: "", wantExternal: false, mounts: [] };
          groups.set(id, group);
        }
        if (found.declared) group.declared = found.declared;
        const facts = images[service.imageName];
        group.mounts.push({
          ...ref,
          path: mount.target,
          volumeKey: volume.key,
          engineName: volume.engineName,
          external: volume.external,
          explicitName: volume.explicitName || volume.external,
          ...(facts?.aptDockerClean === undefined ? {} : { aptDockerClean: facts.aptDockerClean }),
        });
      }
      if (mountsAny) participants.push(ref);
    }
  }
  for (const group of groups.values()) {
    const explicit = group.mounts.filter((m) => m.explicitName).map((m) => m.engineName);
    group.sharedName =
      group.declared?.volume ??
      mostCommon(explicit) ??
      mostCommon(group.mounts.map((m) => m.volumeKey)) ??
      group.id;
    group.wantExternal = group.declared?.external ?? false;
  }
  return { groups: [...groups.values()], participants };
}
