/**
 * Reading and writing a volume's files with no helper image to pull and nothing started:
 * kiln creates (never starts) a container with the volume mounted at /v and uses the
 * engine's archive endpoints — GET /containers/{id}/archive streams a tar out, PUT extracts
 * one in, keeping owners, modes and symlinks. The container's image only has to exist, so
 * kiln imports its own empty one (`kiln-local/volume-helper:1`, one folder, no layers to
 * pull) from a 1.5 kB tar the first time. Image files (/etc/passwd) are read the same way.
 * Podman's archive endpoints differ (root entry, owners): see podman-volumes.ts.
 */
import http from "node:http";
import type { Readable } from "node:stream";
import { KilnError } from "../../core/errors.js";
import { directoryHeaderTar, TarStreamParser, type TarEntry } from "../../core/volumes/tar-stream.js";
import { managedLabels } from "../../core/volumes/labels.js";
import { engineHint } from "../engine/api.js";
import { directAddress, type Endpoint } from "../engine/endpoint.js";
import { podmanExportRefusal, podmanRootOf } from "./podman-volumes.js";
import type { ImageFacts } from "../../core/volumes/detect.js";
import { readAllImageFacts } from "./image-facts.js";

export const HELPER_IMAGE = "kiln-local/volume-helper:1";
const MOUNT = "/v";

type Address = { socketPath: string } | { host: string; port: number };

export interface StreamResponse {
  status: number;
  stream: http.IncomingMessage;
}

export class VolumeTransfer {
  private readonly address: Address;
  private helperReady: Promise<void> | undefined;
  private podman: Promise<boolean> | undefined;

  constructor(
    readonly endpoint: Endpoint,
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly signal?: AbortSignal,
  ) {
    const address = directAddress(endpoint);
    if (!address) {
      throw new KilnError(
        "ERR_KILN_VOLUME",
        `kiln volumes needs direct API access to the engine; ${endpoint.host} has none`,
        {
          hint: "use a local engine (unix socket or plain tcp) — ssh and TLS endpoints are not supported for volume transfers",
        },
      );
    }
    this.address = address;
  }

  /** the engine listens on a unix socket on this machine */
  get local(): boolean {
    return "socketPath" in this.address;
  }

  /** Podman answers (its `/_ping` sends Libpod-Api-Version); asked once */
  isPodman(): Promise<boolean> {
    this.podman ??= this.send("GET", "/_ping").then((res) => {
      res.stream.resume();
      return res.stream.headers["libpod-api-version"] !== undefined;
    });
    return this.podman;
  }

  /**
   * One HTTP request; the body may be a stream (sent chunked). Ctrl-C aborts it — except
   * for clean-up calls (`keepGoing`), which must still remove the helper container.
   */
  send(
    method: string,
    urlPath: string,
    body?: Readable | Buffer | string,
    headers: Record<string, string> = {},
    keepGoing = false,
  ): Promise<StreamResponse> {
    const signal = keepGoing ? undefined : this.signal;
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(
          new KilnError("ERR_KILN_INTERRUPTED", "interrupted", { hint: "run the command again to finish" }),
        );
        return;
      }
      const req = http.request(
        {
          ...this.address,
          method,
          path: urlPath,
          headers: { Host: "docker", ...headers },
          ...(signal ? { signal } : {}),
        },
        (res) => resolve({ status: res.statusCode ?? 0, stream: res }),
      );
      req.on("error", (e) => {
        const where = `${method} ${urlPath.split("?")[0] ?? ""}`;
        reject(
          signal?.aborted
            ? new KilnError("ERR_KILN_INTERRUPTED", `${where}: interrupted`, {
                hint: "run the command again to finish",
              })
            : new KilnError(
                "ERR_KILN_ENGINE_UNREACHABLE",
                `cannot reach the Docker engine at ${this.endpoint.host} (${e.message})`,
                { cause: e, hint: engineHint(this.endpoint) },
              ),
        );
      });
      if (body === undefined || typeof body === "string" || Buffer.isBuffer(body)) req.end(body);
      else {
        body.on("error", (e) => req.destroy(e));
        body.pipe(req);
      }
    });
  }

  async text(
    method: string,
    urlPath: string,
    body?: unknown,
    keepGoing = false,
  ): Promise<{ status: number; body: string }> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const res = await this.send(
      method,
      urlPath,
      payload,
      payload === undefined ? {} : { "Content-Type": "application/json" },
      keepGoing,
    );
    const chunks: Buffer[] = [];
    for await (const c of res.stream) chunks.push(c as Buffer);
    return { status: res.status, body: Buffer.concat(chunks).toString("utf8") };
  }

  private async ensureHelperImage(): Promise<void> {
    const probe = await this.text("GET", `/images/${encodeURIComponent(HELPER_IMAGE)}/json`);
    if (probe.status === 200) return;
    const labels = Object.entries(managedLabels(this.env, "volume-helper")).map(
      ([k, v]) => `LABEL ${JSON.stringify(k)}=${JSON.stringify(v)}`,
    );
    // the tag goes in `repo` (the API allows "repo:tag"): Podman's compatible API ignores `tag`
    // and would store the helper as :latest, then fail to find it (#18)
    const query = new URLSearchParams({ fromSrc: "-", repo: HELPER_IMAGE });
    for (const change of labels) query.append("changes", change);
    const res = await this.send(
      "POST",
      `/images/create?${query.toString()}`,
      directoryHeaderTar("v", { uid: 0, gid: 0 }),
      {
        "Content-Type": "application/x-tar",
      },
    );
    let body = "";
    for await (const c of res.stream) body += (c as Buffer).toString("utf8");
    if (res.status >= 300 || body.includes('"error"')) {
      throw new KilnError(
        "ERR_KILN_VOLUME",
        `cannot create kiln's helper image ${HELPER_IMAGE}: ${body.trim()}`,
        {
          hint: "check the engine's log and free disk space; kiln builds this helper image itself, nothing is pulled",
        },
      );
    }
  }

  private helper(): Promise<void> {
    this.helperReady ??= this.ensureHelperImage().catch((e: unknown) => {
      this.helperReady = undefined;
      throw e;
    });
    return this.helperReady;
  }

  /** creates (never starts) a container; runs fn with its id; always removes it */
  async withContainer<T>(
    spec: { image?: string; volume?: string },
    fn: (id: string) => Promise<T>,
  ): Promise<T> {
    if (!spec.image) await this.helper();
    const body = {
      Image: spec.image ?? HELPER_IMAGE,
      Cmd: ["/kiln-never-started"],
      Entrypoint: [],
      Labels: managedLabels(this.env, "volume-helper"),
      HostConfig: spec.volume
        ? {
            Mounts: [{ Type: "volume", Source: spec.volume, Target: MOUNT, VolumeOptions: { NoCopy: true } }],
          }
        : {},
    };
    let created = await this.text("POST", "/containers/create", body);
    if (created.status === 404 && !spec.image) {
      // the helper image went away since kiln checked it (an image prune, a test's sweep):
      // import it again, once
      this.helperReady = undefined;
      await this.helper();
      created = await this.text("POST", "/containers/create", body);
    }
    if (created.status >= 300) {
      throw new KilnError("ERR_KILN_VOLUME", `cannot create a helper container: ${created.body.trim()}`, {
        hint: "check the engine's log and free disk space, then run the command again",
      });
    }
    const id = (JSON.parse(created.body) as { Id: string }).Id;
    try {
      return await fn(id);
    } finally {
      // v=1: anonymous volumes an image's VOLUME lines made; named volumes are never removed
      await this.text("DELETE", `/containers/${id}?force=1&v=1`, undefined, true).catch(() => undefined);
    }
  }

  private async getArchive(id: string, path: string): Promise<http.IncomingMessage> {
    const res = await this.send("GET", `/containers/${id}/archive?path=${encodeURIComponent(path)}`);
    if (res.status !== 200) {
      let body = "";
      for await (const c of res.stream) body += (c as Buffer).toString("utf8");
      const notFound = res.status === 404;
      throw new KilnError(
        "ERR_KILN_VOLUME",
        notFound ? `${path}: no such file` : `reading ${path} failed: ${body.trim()}`,
        {
          hint: notFound
            ? "kiln volumes inspect VOLUME lists what the volume holds"
            : "check the engine's log, then run the command again",
          exitCode: notFound ? 2 : 1,
        },
      );
    }
    return res.stream;
  }

  private async putArchive(id: string, path: string, body: Readable | Buffer): Promise<void> {
    const res = await this.send(
      "PUT",
      `/containers/${id}/archive?path=${encodeURIComponent(path)}&noOverwriteDirNonDir=true`,
      body,
      {
        "Content-Type": "application/x-tar",
      },
    );
    let text = "";
    for await (const c of res.stream) text += (c as Buffer).toString("utf8");
    if (res.status >= 300)
      throw new KilnError("ERR_KILN_VOLUME", `writing into the volume failed: ${text.trim()}`, {
        hint: "check free disk space on the engine (docker system df), then run the command again",
      });
  }

  /** the volume's contents as a tar stream whose entries start with "./" */
  async exportTo(volume: string, sink: NodeJS.WritableStream, onBytes?: (n: number) => void): Promise<void> {
    if (await this.isPodman()) throw podmanExportRefusal(volume);
    await this.withContainer({ volume }, async (id) => {
      const stream = await this.getArchive(id, `${MOUNT}/.`);
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
      const stream = await this.getArchive(id, `${MOUNT}/.`);
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
      const stream = await this.getArchive(id, `${MOUNT}/.`);
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

  /**
   * Owner and mode of a folder in an image (undefined when the image has no folder there): what
   * the engine gives an empty volume's root when a container of that image mounts it there.
   */
  async imageFolder(
    image: string,
    folder: string,
  ): Promise<{ uid: number; gid: number; mode: number } | undefined> {
    return this.withContainer({ image }, async (id) => {
      const res = await this.send("GET", `/containers/${id}/archive?path=${encodeURIComponent(folder)}`);
      if (res.status !== 200) {
        res.stream.resume();
        return undefined;
      }
      let first: TarEntry | undefined;
      const parser = new TarStreamParser((e) => (first ??= e));
      for await (const chunk of res.stream) {
        parser.push(chunk as Buffer);
        if (first) {
          res.stream.destroy();
          break;
        }
      }
      return first?.type === "dir" ? { uid: first.uid, gid: first.gid, mode: first.mode } : undefined;
    });
  }

  /** extracts a tar (entries relative to the volume root) into the volume */
  async importFrom(
    volume: string,
    body: Readable,
    root?: { uid: number; gid: number; mode: number },
  ): Promise<void> {
    const podman = await this.isPodman();
    await this.withContainer({ volume }, async (id) => {
      await this.putArchive(id, MOUNT, body);
      // the engine skips the archive's "./" entry: set the root's owner and mode from it
      if (root) await this.putRoot(id, root, root.mode, podman);
    });
  }

  /**
   * the volume root's owner and mode through the archive API: Docker applies a "v/" entry put
   * at "/" to the mount; Podman applies it to the image's /v under the mount, but a "./" entry
   * put at /v to the volume
   */
  private putRoot(
    id: string,
    owner: { uid: number; gid: number },
    mode: number,
    podman: boolean,
  ): Promise<void> {
    return podman
      ? this.putArchive(id, MOUNT, directoryHeaderTar("./", owner, mode))
      : this.putArchive(id, "/", directoryHeaderTar("v", owner, mode));
  }

  async setRoot(volume: string, owner: { uid: number; gid: number }, mode?: number): Promise<void> {
    const current = mode === undefined ? await this.rootOf(volume) : undefined;
    const podman = await this.isPodman();
    await this.withContainer({ volume }, (id) =>
      this.putRoot(id, owner, mode ?? current?.mode ?? 0o755, podman),
    );
  }

  /**
   * `chown -R` of the whole volume, run (this one is started) in a local image that has
   * chown — the image of a service that mounts the volume, or kiln-local/busybox. The
   * archive API cannot change owners without rewriting every file.
   */
  async chownAll(
    volume: string,
    owner: { uid: number; gid: number },
    image: string,
    options: { recursive?: boolean } = {},
  ): Promise<void> {
    const body = {
      Image: image,
      Entrypoint: ["chown"],
      Cmd: [...(options.recursive === false ? [] : ["-R"]), `${owner.uid}:${owner.gid}`, MOUNT],
      User: "0:0",
      Labels: managedLabels(this.env, "volume-helper"),
      NetworkDisabled: true,
      HostConfig: {
        NetworkMode: "none",
        Mounts: [{ Type: "volume", Source: volume, Target: MOUNT, VolumeOptions: { NoCopy: true } }],
      },
    };
    const created = await this.text("POST", "/containers/create", body);
    if (created.status >= 300)
      throw new KilnError(
        "ERR_KILN_VOLUME",
        `cannot create a chown container from ${image}: ${created.body.trim()}`,
        { hint: "the image must exist on the engine: docker image ls" },
      );
    const id = (JSON.parse(created.body) as { Id: string }).Id;
    try {
      const started = await this.text("POST", `/containers/${id}/start`);
      if (started.status >= 300)
        throw new KilnError("ERR_KILN_VOLUME", `chown in ${image} did not start: ${started.body.trim()}`, {
          hint: "check the engine's log, then run the command again",
        });
      const waited = await this.text("POST", `/containers/${id}/wait`);
      const code = (JSON.parse(waited.body || "{}") as { StatusCode?: number }).StatusCode;
      if (code !== 0)
        throw new KilnError("ERR_KILN_VOLUME", `chown -R in ${image} exited with ${String(code)}`, {
          hint: "the image needs a chown that accepts -R (busybox or coreutils); kiln volumes fix sets owners another way",
        });
    } finally {
      await this.text("DELETE", `/containers/${id}?force=1&v=1`, undefined, true).catch(() => undefined);
    }
  }

  /** per local image: its User, passwd and group, apt's docker-clean hook (images not here are left out) */
  imageFacts(images: string[]): Promise<Record<string, ImageFacts>> {
    return readAllImageFacts(this, images);
  }

  /** small files of an image (e.g. /etc/passwd); missing files are absent from the result */
  async readImageFiles(image: string, paths: string[]): Promise<Record<string, Buffer>> {
    const out: Record<string, Buffer> = {};
    await this.withContainer({ image }, async (id) => {
      for (const p of paths) {
        try {
          const stream = await this.getArchive(id, p);
          const chunks: Buffer[] = [];
          let first: TarEntry | undefined;
          const parser = new TarStreamParser(
            (e) => (first ??= e),
            (e, c) => {
              if (e === first) chunks.push(Buffer.from(c));
            },
          );
          for await (const c of stream) parser.push(c as Buffer);
          out[p] = Buffer.concat(chunks);
        } catch (e: unknown) {
          if (!(e instanceof KilnError && e.exitCode === 2)) throw e;
        }
      }
    });
    return out;
  }
}
