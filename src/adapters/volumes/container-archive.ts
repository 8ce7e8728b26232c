/**
 * A container's archive endpoints: GET /containers/{id}/archive streams a tar of a path out,
 * PUT extracts one in (owners, modes and symlinks kept).
 */
import type http from "node:http";
import type { Readable } from "node:stream";
import { KilnError } from "../../core/errors.js";
import { directoryHeaderTar } from "../../core/volumes/tar-stream.js";
import type { EngineHttp } from "./engine-http.js";
import { MOUNT } from "./helper-container.js";

/** `path` in the container as a tar stream (ERR_KILN_VOLUME, exit code 2, when there is none) */
export async function getArchive(api: EngineHttp, id: string, path: string): Promise<http.IncomingMessage> {
  const res = await api.send("GET", `/containers/${id}/archive?path=${encodeURIComponent(path)}`);
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

/** a tar extracted at `path` in the container (never a directory replaced by a file) */
export async function putArchive(
  api: EngineHttp,
  id: string,
  path: string,
  body: Readable | Buffer,
): Promise<void> {
  const res = await api.send(
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

/**
 * the volume root's owner and mode through the archive API: Docker applies a "v/" entry put
 * at "/" to the mount; Podman applies it to the image's /v under the mount, but a "./" entry
 * put at /v to the volume
 */
export function putRoot(
  api: EngineHttp,
  id: string,
  owner: { uid: number; gid: number },
  mode: number,
  podman: boolean,
): Promise<void> {
  return podman
    ? putArchive(api, id, MOUNT, directoryHeaderTar("./", owner, mode))
    : putArchive(api, id, "/", directoryHeaderTar("v", owner, mode));
}
