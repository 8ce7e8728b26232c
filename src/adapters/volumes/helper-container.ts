/**
 * kiln's never-started helper containers: created with a volume mounted at /v (or from an image
 * whose files kiln reads), used through the archive endpoints, always removed. Their image only
 * has to exist, so kiln imports its own empty one (`kiln-local/volume-helper:1`, one folder, no
 * layers to pull) from a 1.5 kB tar the first time.
 */
import { KilnError } from "../../core/errors.js";
import { managedLabels } from "../../core/volumes/labels.js";
import { directoryHeaderTar } from "../../core/volumes/tar-stream.js";
import type { EngineHttp } from "./engine-http.js";

export const HELPER_IMAGE = "kiln-local/volume-helper:1";
/** where a helper container mounts the volume */
export const MOUNT = "/v";

export class HelperContainers {
  private helperReady: Promise<void> | undefined;

  constructor(
    private readonly http: EngineHttp,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  private async ensureHelperImage(): Promise<void> {
    const probe = await this.http.text("GET", `/images/${encodeURIComponent(HELPER_IMAGE)}/json`);
    if (probe.status === 200) return;
    const labels = Object.entries(managedLabels(this.env, "volume-helper")).map(
      ([k, v]) => `LABEL ${JSON.stringify(k)}=${JSON.stringify(v)}`,
    );
    // the tag goes in `repo` (the API allows "repo:tag"): Podman's compatible API ignores `tag`
    // and would store the helper as :latest, then fail to find it (#18)
    const query = new URLSearchParams({ fromSrc: "-", repo: HELPER_IMAGE });
    for (const change of labels) query.append("changes", change);
    const res = await this.http.send(
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
    let created = await this.http.text("POST", "/containers/create", body);
    if (created.status === 404 && !spec.image) {
      // the helper image went away since kiln checked it (an image prune, a test's sweep):
      // import it again, once
      this.helperReady = undefined;
      await this.helper();
      created = await this.http.text("POST", "/containers/create", body);
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
      await this.http.text("DELETE", `/containers/${id}?force=1&v=1`, undefined, true).catch(() => undefined);
    }
  }
}
