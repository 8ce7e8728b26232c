/**
 * `chown -R` of a whole volume: the archive API cannot change owners without rewriting every
 * file, so this one container is started — in a local image that has chown (the image of a
 * service that mounts the volume, or kiln-local/busybox), with no network.
 */
import { KilnError } from "../../core/errors.js";
import { managedLabels } from "../../core/volumes/labels.js";
import type { EngineHttp } from "./engine-http.js";
import { MOUNT } from "./helper-container.js";

export async function chownVolume(
  api: EngineHttp,
  env: NodeJS.ProcessEnv,
  request: { volume: string; owner: { uid: number; gid: number }; image: string; recursive?: boolean },
): Promise<void> {
  const { volume, owner, image } = request;
  const body = {
    Image: image,
    Entrypoint: ["chown"],
    Cmd: [...(request.recursive === false ? [] : ["-R"]), `${owner.uid}:${owner.gid}`, MOUNT],
    User: "0:0",
    Labels: managedLabels(env, "volume-helper"),
    NetworkDisabled: true,
    HostConfig: {
      NetworkMode: "none",
      Mounts: [{ Type: "volume", Source: volume, Target: MOUNT, VolumeOptions: { NoCopy: true } }],
    },
  };
  const created = await api.text("POST", "/containers/create", body);
  if (created.status >= 300)
    throw new KilnError(
      "ERR_KILN_VOLUME",
      `cannot create a chown container from ${image}: ${created.body.trim()}`,
      { hint: "the image must exist on the engine: docker image ls" },
    );
  const id = (JSON.parse(created.body) as { Id: string }).Id;
  try {
    const started = await api.text("POST", `/containers/${id}/start`);
    if (started.status >= 300)
      throw new KilnError("ERR_KILN_VOLUME", `chown in ${image} did not start: ${started.body.trim()}`, {
        hint: "check the engine's log, then run the command again",
      });
    const waited = await api.text("POST", `/containers/${id}/wait`);
    const code = (JSON.parse(waited.body || "{}") as { StatusCode?: number }).StatusCode;
    if (code !== 0)
      throw new KilnError("ERR_KILN_VOLUME", `chown -R in ${image} exited with ${String(code)}`, {
        hint: "the image needs a chown that accepts -R (busybox or coreutils); kiln volumes fix sets owners another way",
      });
  } finally {
    await api.text("DELETE", `/containers/${id}?force=1&v=1`, undefined, true).catch(() => undefined);
  }
}
