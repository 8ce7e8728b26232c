/**
 * Reading and writing a volume's files with no helper image to pull and nothing started:
 * kiln creates (never starts) a container with the volume mounted at /v (helper-container.ts)
 * and uses the engine's archive endpoints (container-archive.ts) — a tar streamed out, one
 * extracted in, keeping owners, modes and symlinks. Image files (/etc/passwd) are read the same
 * way (image-files.ts); `chown -R` is the one container started (chown-container.ts).
 * Podman's archive endpoints differ (root entry, owners): see podman-volumes.ts.
 */
import type { Readable } from "node:stream";
import type { ImageFacts } from "../../core/volumes/detect.js";
import { TarStreamParser, type TarEntry } from "../../core/volumes/tar-stream.js";
import { chownVolume } from "./chown-container.js";
import { getArchive, putArchive, putRoot } from "./container-archive.js";
import type { Endpoint } from "../engine/endpoint.js";
import { EngineHttp } from "./engine-http.js";
import { HelperContainers, MOUNT } from "./helper-container.js";
import { readAllImageFacts } from "./image-facts.js";
import { imageFolder, readImageFiles } from "./image-files.js";
import { podmanExportRefusal, podmanRootOf } from "./podman-volumes.js";

export { HELPER_IMAGE } from "./helper-container.js";
export type { StreamResponse } from "./engine-http.js";

export class VolumeTransfer extends EngineHttp {
  private readonly containers: HelperContainers;

  constructor(
    endpoint: Endpoint,
    private readonly env: NodeJS.ProcessEnv = process.env,
    signal?: AbortSignal,
  ) {
    super(endpoint, signal);
    this.containers = new HelperContainers(this, env);
  }

  /** creates (never starts) a container; runs fn with its id; always removes it */
  withContainer<T>(spec: { image?: string; volume?: string }, fn: (id: string) => Promise<T>): Promise<T> {
    return this.containers.withContainer(spec, fn);
  }

  /** the volume's contents as a tar stream whose entries start with "./" */
  async exportTo(volume: string, sink: NodeJS.WritableStream, onBytes?: (n: number) => void): Promise<void> {
    if (await this.isPodman()) throw podmanExportRefusal(volume);
    await this.withContainer({ volume }, async (id) => {
      const stream = await getArchive(this, id, `${MOUNT}/.`);
      await new Promise<void>((resolve, reject) => {
        stream.on("data", (c: Buffer) => onBytes?.(c.length));
        stream.on("error", reject);
        sink.on("error", reject);
        sink.on("finish", () => resolve());
        stream.pipe(sink);
      });
    });
  }

  /**
   * every entry of the volume, read without storing the data, named "./…". Docker's archive
   * starts with the root ("./"); Podman's has no root entry (an empty volume: no entry at all),
   * names without "./" and every owner set to the helper's user (0:0) — use rootOf for owners.
   */
  async walk(
    volume: string,
    onEntry: (entry: TarEntry) => void,
    options: { firstOnly?: boolean } = {},
  ): Promise<void> {
    const podman = await this.isPodman();
    await this.withContainer({ volume }, async (id) => {
      const stream = await getArchive(this, id, `${MOUNT}/.`);
      let stop = false;
      const parser = new TarStreamParser((e) => {
        if (stop) return;
        onEntry(podman && !e.name.startsWith("./") ? { ...e, name: `./${e.name}` } : e);
        if (options.firstOnly) stop = true;
      });
      for await (const chunk of stream) {
        parser.push(chunk as Buffer);
        if (stop) {
          stream.destroy();
          return;
        }
      }
      parser.end({ allowEmpty: podman });
    });
  }

  /** owner and mode of the volume's root folder */
  async rootOf(volume: string): Promise<{ uid: number; gid: number; mode: number } | undefined> {
    if (await this.isPodman()) return podmanRootOf(this, volume);
    let root: { uid: number; gid: number; mode: number } | undefined;
    await this.walk(volume, (e) => (root = { uid: e.uid, gid: e.gid, mode: e.mode }), { firstOnly: true });
    return root;
  }

  /** owner and mode of the volume's root folder, and whether anything is in it */
  async rootAndEmptiness(
    volume: string,
  ): Promise<{ root: { uid: number; gid: number; mode: number }; empty: boolean } | undefined> {
    const entries: TarEntry[] = [];
    await this.withContainer({ volume }, async (id) => {
      const stream = await getArchive(this, id, `${MOUNT}/.`);
      const parser = new TarStreamParser((e) => entries.push(e));
      for await (const chunk of stream) {
        parser.push(chunk as Buffer);
        if (entries.length >= 2) {
          stream.destroy();
          return;
        }
      }
      parser.end();
    });
    const root = entries[0];
    return root
      ? { root: { uid: root.uid, gid: root.gid, mode: root.mode }, empty: entries.length < 2 }
      : undefined;
  }

  /** extracts a tar (entries relative to the volume root) into the volume */
  async importFrom(
    volume: string,
    body: Readable,
    root?: { uid: number; gid: number; mode: number },
  ): Promise<void> {
    const podman = await this.isPodman();
    await this.withContainer({ volume }, async (id) => {
      await putArchive(this, id, MOUNT, body);
      // the engine skips the archive's "./" entry: set the root's owner and mode from it
      if (root) await putRoot(this, id, root, root.mode, podman);
    });
  }

  async setRoot(volume: string, owner: { uid: number; gid: number }, mode?: number): Promise<void> {
    const current = mode === undefined ? await this.rootOf(volume) : undefined;
    const podman = await this.isPodman();
    await this.withContainer({ volume }, (id) =>
      putRoot(this, id, owner, mode ?? current?.mode ?? 0o755, podman),
    );
  }

  /** `chown -R` of the whole volume (`recursive: false`: its root only), run in a local image */
  chownAll(
    volume: string,
    owner: { uid: number; gid: number },
    image: string,
    options: { recursive?: boolean } = {},
  ): Promise<void> {
    return chownVolume(this, this.env, { volume, owner, image, ...options });
  }

  /** owner and mode of a folder in an image; undefined when the image has no folder there */
  imageFolder(
    image: string,
    folder: string,
  ): Promise<{ uid: number; gid: number; mode: number } | undefined> {
    return imageFolder(this, this.containers, image, folder);
  }

  /** small files of an image (e.g. /etc/passwd); missing files are absent from the result */
  readImageFiles(image: string, paths: string[]): Promise<Record<string, Buffer>> {
    return readImageFiles(this, this.containers, image, paths);
  }

  /** per local image: its User, passwd and group, apt's docker-clean hook (images not here are left out) */
  imageFacts(images: string[]): Promise<Record<string, ImageFacts>> {
    return readAllImageFacts(this, images);
  }
}
