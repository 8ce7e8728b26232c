/**
 * Engine over its HTTP API (unix socket / plain tcp): no process spawn per query.
 */
import { KilnError } from "../../core/errors.js";
import {
  engineInfo,
  engineVersion,
  identifyFromPing,
  type RawInfo,
  type RawVersion,
} from "../../core/engine/traits.js";
import { EngineApi } from "./api.js";
import type {
  ContainerInfo,
  Engine,
  EngineIdentity,
  EngineInfo,
  EngineVersion,
  ImageInfo,
  VolumeInfo,
} from "./engine-types.js";

interface RawImage {
  Id: string;
  RepoTags?: string[] | null;
  Labels?: Record<string, string> | null;
  Config?: { Labels?: Record<string, string> | null; OnBuild?: string[] | null };
  Created: string | number;
  Size: number;
}
interface RawVolume {
  Name: string;
  Driver: string;
  Mountpoint: string;
  Labels?: Record<string, string> | null;
  CreatedAt?: string;
}
interface RawContainer {
  Id: string;
  Names?: string[];
  Image: string;
  ImageID: string;
  Labels?: Record<string, string> | null;
  State: string;
  Mounts?: { Type: string; Name?: string; Destination: string }[];
}

function image(raw: RawImage): ImageInfo {
  return {
    id: raw.Id,
    repoTags: (raw.RepoTags ?? []).filter((t) => t !== "<none>:<none>"),
    labels: raw.Config?.Labels ?? raw.Labels ?? {},
    created: typeof raw.Created === "number" ? new Date(raw.Created * 1000).toISOString() : raw.Created,
    size: raw.Size,
    ...(raw.Config?.OnBuild?.length ? { onBuild: raw.Config.OnBuild } : {}),
  };
}

function volume(raw: RawVolume): VolumeInfo {
  return {
    name: raw.Name,
    driver: raw.Driver,
    mountpoint: raw.Mountpoint,
    labels: raw.Labels ?? {},
    ...(raw.CreatedAt ? { createdAt: raw.CreatedAt } : {}),
  };
}

function filters(labels: string[], extra: Record<string, string[]> = {}): string {
  const f: Record<string, string[]> = { ...extra };
  if (labels.length > 0) f.label = labels;
  return encodeURIComponent(JSON.stringify(f));
}

const LIST_ATTEMPTS = 4;

function refPath(ref: string): string {
  return encodeURIComponent(ref);
}

export class ApiEngine implements Engine {
  constructor(private readonly api: EngineApi) {}

  get host(): string {
    return this.api.endpoint.host;
  }

  async version(): Promise<EngineVersion> {
    const { value } = await this.api.json<RawVersion>("GET", "/version");
    if (!value)
      throw new KilnError("ERR_KILN_ENGINE_UNREACHABLE", "the engine returned no version", {
        hint: "is DOCKER_HOST / --context pointing at a Docker engine? `docker version` shows what answers",
      });
    return engineVersion(value);
  }

  async identify(): Promise<EngineIdentity> {
    // a request already on its way (a bake asks for its images first) answers this too (#14)
    const seen = this.api.firstHeaders;
    if (seen) {
      try {
        return identifyFromPing(await seen);
      } catch {
        // that one failed: ask on our own, for our own error
      }
    }
    const res = await this.api.request("GET", "/_ping");
    return identifyFromPing(res.headers);
  }

  async info(): Promise<EngineInfo> {
    const { value } = await this.api.json<RawInfo>("GET", "/info");
    return engineInfo(value ?? {});
  }

  async imageInspect(ref: string): Promise<ImageInfo | undefined> {
    const { status, value } = await this.api.json<RawImage>("GET", `/images/${refPath(ref)}/json`);
    if (status === 404 || !value) return undefined;
    return image(value);
  }

  async listImages(labels: string[]): Promise<ImageInfo[]> {
    // Podman 4.3 fails the whole list (500 "image not known") when an image goes away while it
    // reads them (another process removing images); asked again a moment later it lists the rest
    for (let attempt = 1; ; attempt++) {
      try {
        const { value } = await this.api.json<RawImage[]>("GET", `/images/json?filters=${filters(labels)}`);
        return (value ?? []).map(image);
      } catch (e: unknown) {
        if (attempt >= LIST_ATTEMPTS || !(e instanceof KilnError && /image not known/.test(e.message)))
          throw e;
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
  }

  async tagImage(source: string, target: string): Promise<void> {
    const colon = target.lastIndexOf(":");
    const hasTag = colon > target.lastIndexOf("/");
    const repo = hasTag ? target.slice(0, colon) : target;
    const tag = hasTag ? target.slice(colon + 1) : "latest";
    const res = await this.api.request(
      "POST",
      `/images/${refPath(source)}/tag?repo=${encodeURIComponent(repo)}&tag=${encodeURIComponent(tag)}`,
    );
    if (res.status >= 300) {
      throw new KilnError("ERR_KILN_IMAGE_MISSING", `cannot tag ${source} as ${target}: ${res.body.trim()}`, {
        hint: "check that the image exists: docker image ls; then run the command again",
      });
    }
  }

  async removeImage(ref: string, force = false): Promise<void> {
    const res = await this.api.request("DELETE", `/images/${refPath(ref)}?force=${force ? "1" : "0"}`);
    if (res.status >= 300 && res.status !== 404) {
      throw new KilnError("ERR_KILN_PROCESS_FAILED", `cannot remove image ${ref}: ${res.body.trim()}`, {
        hint: "an image a container still uses cannot be removed: docker ps -a --filter ancestor=IMAGE",
      });
    }
  }

  async volumeInspect(name: string): Promise<VolumeInfo | undefined> {
    const { status, value } = await this.api.json<RawVolume>("GET", `/volumes/${encodeURIComponent(name)}`);
    if (status === 404 || !value) return undefined;
    return volume(value);
  }

  async listVolumes(labels: string[]): Promise<VolumeInfo[]> {
    const { value } = await this.api.json<{ Volumes?: RawVolume[] | null }>(
      "GET",
      `/volumes?filters=${filters(labels)}`,
    );
    return (value?.Volumes ?? []).map(volume);
  }

  async createVolume(name: string, labels: Record<string, string>): Promise<VolumeInfo> {
    const { status, value } = await this.api.json<RawVolume>("POST", "/volumes/create", {
      Name: name,
      Labels: labels,
    });
    if (status >= 300 || !value)
      throw new KilnError("ERR_KILN_VOLUME", `cannot create volume ${name} (HTTP ${status})`, {
        hint: "check the engine's log and free disk space; `docker volume create NAME` shows the engine's own error",
      });
    return volume(value);
  }

  async removeVolume(name: string, force = false): Promise<void> {
    const res = await this.api.request(
      "DELETE",
      `/volumes/${encodeURIComponent(name)}?force=${force ? "1" : "0"}`,
    );
    if (res.status === 409) {
      throw new KilnError("ERR_KILN_VOLUME", `volume ${name} is in use`, {
        hint: `stop the containers that use it (docker ps -a --filter volume=${name})`,
      });
    }
    if (res.status >= 300 && res.status !== 404) {
      throw new KilnError("ERR_KILN_VOLUME", `cannot remove volume ${name}: ${res.body.trim()}`, {
        hint: "a volume in use cannot be removed: docker ps -a --filter volume=NAME, then remove the container",
      });
    }
  }

  async listContainers(options: { all?: boolean; labels?: string[] }): Promise<ContainerInfo[]> {
    const { value } = await this.api.json<RawContainer[]>(
      "GET",
      `/containers/json?all=${options.all ? "1" : "0"}&filters=${filters(options.labels ?? [])}`,
    );
    return (value ?? []).map((c) => ({
      id: c.Id,
      names: (c.Names ?? []).map((n) => n.replace(/^\//, "")),
      image: c.Image,
      imageId: c.ImageID,
      labels: c.Labels ?? {},
      state: c.State,
      mounts: (c.Mounts ?? []).map((m) => ({
        type: m.Type,
        ...(m.Name ? { name: m.Name } : {}),
        destination: m.Destination,
      })),
    }));
  }
}
