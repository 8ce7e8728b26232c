/** What kiln reads from the engine: only the fields it uses. */

export interface ImageInfo {
  id: string;
  repoTags: string[];
  labels: Record<string, string>;
  created: string;
  size: number;
  /** ONBUILD triggers (from an image inspect; list calls may leave it out) */
  onBuild?: string[];
}

export interface VolumeInfo {
  name: string;
  driver: string;
  mountpoint: string;
  labels: Record<string, string>;
  createdAt?: string;
}

export interface ContainerInfo {
  id: string;
  names: string[];
  image: string;
  imageId: string;
  labels: Record<string, string>;
  state: string;
  mounts: { type: string; name?: string; destination: string }[];
}

export type { EngineIdentity, EngineInfo, EngineVersion } from "../../core/engine/traits.js";
import type { EngineIdentity, EngineInfo, EngineVersion } from "../../core/engine/traits.js";

/** The engine operations kiln needs, whatever transport carries them. */
export interface Engine {
  readonly host: string;
  version(): Promise<EngineVersion>;
  /**
   * the product and container OS, as cheaply as the transport allows: `/_ping`'s headers over
   * the API (Podman's `/version` takes ~1 s: it asks conmon and runc for theirs)
   */
  identify(): Promise<EngineIdentity>;
  info(): Promise<EngineInfo>;
  imageInspect(ref: string): Promise<ImageInfo | undefined>;
  /** images carrying every given label (`key` or `key=value`) */
  listImages(labels: string[]): Promise<ImageInfo[]>;
  tagImage(source: string, target: string): Promise<void>;
  removeImage(ref: string, force?: boolean): Promise<void>;
  volumeInspect(name: string): Promise<VolumeInfo | undefined>;
  listVolumes(labels: string[]): Promise<VolumeInfo[]>;
  createVolume(name: string, labels: Record<string, string>): Promise<VolumeInfo>;
  removeVolume(name: string, force?: boolean): Promise<void>;
  listContainers(options: { all?: boolean; labels?: string[] }): Promise<ContainerInfo[]>;
}
