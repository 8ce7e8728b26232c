/**
 * Engine through the docker CLI, for endpoints kiln cannot speak to directly (ssh://, TLS).
 * Parses `--format '{{json .}}'` and inspect JSON, never prose.
 */
import { KilnError } from "../../core/errors.js";
import {
  engineInfo,
  engineVersion,
  identifyFromVersion,
  type RawInfo,
  type RawVersion,
} from "../../core/engine/traits.js";
import type { ProcessRunner } from "../process-runner.js";
import type {
  ContainerInfo,
  Engine,
  EngineIdentity,
  EngineInfo,
  EngineVersion,
  ImageInfo,
  VolumeInfo,
} from "./engine-types.js";

interface InspectImage {
  Id: string;
  RepoTags?: string[] | null;
  Config?: { Labels?: Record<string, string> | null; OnBuild?: string[] | null };
  Created: string;
  Size: number;
}

function jsonLines<T>(text: string): T[] {
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as T);
}

function labelMap(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (text ?? "").split(",")) {
    if (!pair) continue;
    const eq = pair.indexOf("=");
    if (eq > 0) out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

export class CliEngine implements Engine {
  constructor(
    private readonly docker: readonly string[],
    private readonly run: ProcessRunner,
    readonly host: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  private exec(args: string[], allowFailure = false) {
    return this.run([...this.docker, ...args], { env: this.env, allowFailure });
  }

  async version(): Promise<EngineVersion> {
    const r = await this.exec(["version", "--format", "{{json .Server}}"]);
    const s = JSON.parse(r.stdout) as RawVersion;
    return engineVersion(s);
  }

  async identify(): Promise<EngineIdentity> {
    return identifyFromVersion(await this.version());
  }

  async info(): Promise<EngineInfo> {
    const r = await this.exec(["info", "--format", "{{json .}}"]);
    const s = JSON.parse(r.stdout) as RawInfo;
    return engineInfo(s);
  }

  async imageInspect(ref: string): Promise<ImageInfo | undefined> {
    const r = await this.exec(["image", "inspect", "--format", "{{json .}}", ref], true);
    if (r.exitCode !== 0) return undefined;
    const raw = JSON.parse(r.stdout) as InspectImage;
    return {
      id: raw.Id,
      repoTags: raw.RepoTags ?? [],
      labels: raw.Config?.Labels ?? {},
      created: raw.Created,
      size: raw.Size,
      ...(raw.Config?.OnBuild?.length ? { onBuild: raw.Config.OnBuild } : {}),
    };
  }

  async listImages(labels: string[]): Promise<ImageInfo[]> {
    const r = await this.exec([
      "image",
      "ls",
      "--no-trunc",
      "--format",
      "{{.ID}}",
      ...labels.flatMap((l) => ["--filter", `label=${l}`]),
    ]);
    const ids = [...new Set(r.stdout.split("\n").filter(Boolean))];
    const out: ImageInfo[] = [];
    for (const id of ids) {
      const info = await this.imageInspect(id);
      if (info) out.push(info);
    }
    return out;
  }

  async tagImage(source: string, target: string): Promise<void> {
    await this.exec(["image", "tag", source, target]);
  }

  async removeImage(ref: string, force = false): Promise<void> {
    await this.exec(["image", "rm", ...(force ? ["--force"] : []), ref], true);
  }

  async volumeInspect(name: string): Promise<VolumeInfo | undefined> {
    const r = await this.exec(["volume", "inspect", "--format", "{{json .}}", name], true);
    if (r.exitCode !== 0) return undefined;
    const v = JSON.parse(r.stdout) as {
      Name: string;
      Driver: string;
      Mountpoint: string;
      Labels?: Record<string, string> | null;
      CreatedAt?: string;
    };
    return {
      name: v.Name,
      driver: v.Driver,
      mountpoint: v.Mountpoint,
      labels: v.Labels ?? {},
      ...(v.CreatedAt ? { createdAt: v.CreatedAt } : {}),
    };
  }

  async listVolumes(labels: string[]): Promise<VolumeInfo[]> {
    const r = await this.exec([
      "volume",
      "ls",
      "--format",
      "{{json .}}",
      ...labels.flatMap((l) => ["--filter", `label=${l}`]),
    ]);
    return jsonLines<{ Name: string; Driver: string; Mountpoint?: string; Labels?: string }>(r.stdout).map(
      (v) => ({
        name: v.Name,
        driver: v.Driver,
        mountpoint: v.Mountpoint ?? "",
        labels: labelMap(v.Labels),
      }),
    );
  }

  async createVolume(name: string, labels: Record<string, string>): Promise<VolumeInfo> {
    await this.exec([
      "volume",
      "create",
      ...Object.entries(labels).flatMap(([k, v]) => ["--label", `${k}=${v}`]),
      name,
    ]);
    const info = await this.volumeInspect(name);
    if (!info)
      throw new KilnError("ERR_KILN_VOLUME", `volume ${name} was not created`, {
        hint: "`docker volume create NAME` shows the engine's own error",
      });
    return info;
  }

  async removeVolume(name: string, force = false): Promise<void> {
    const r = await this.exec(["volume", "rm", ...(force ? ["--force"] : []), name], true);
    if (r.exitCode !== 0 && /in use/i.test(r.stderr)) {
      throw new KilnError("ERR_KILN_VOLUME", `volume ${name} is in use`, {
        hint: `stop the containers that use it (docker ps -a --filter volume=${name})`,
      });
    }
  }

  async listContainers(options: { all?: boolean; labels?: string[] }): Promise<ContainerInfo[]> {
    const r = await this.exec([
      "ps",
      "--no-trunc",
      "--format",
      "{{.ID}}",
      ...(options.all ? ["--all"] : []),
      ...(options.labels ?? []).flatMap((l) => ["--filter", `label=${l}`]),
    ]);
    const ids = r.stdout.split("\n").filter(Boolean);
    if (ids.length === 0) return [];
    const inspect = await this.exec(["container", "inspect", ...ids]);
    const raw = JSON.parse(inspect.stdout) as {
      Id: string;
      Name: string;
      Image: string;
      Config: { Image: string; Labels?: Record<string, string> | null };
      State: { Status: string };
      Mounts?: { Type: string; Name?: string; Destination: string }[];
    }[];
    return raw.map((c) => ({
      id: c.Id,
      names: [c.Name.replace(/^\//, "")],
      image: c.Config.Image,
      imageId: c.Image,
      labels: c.Config.Labels ?? {},
      state: c.State.Status,
      mounts: (c.Mounts ?? []).map((m) => ({
        type: m.Type,
        ...(m.Name ? { name: m.Name } : {}),
        destination: m.Destination,
      })),
    }));
  }
}
