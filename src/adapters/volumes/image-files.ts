/**
 * Reading an image's files without running it: a never-started container of the image, its
 * archive endpoint (small files such as /etc/passwd, the owner of a folder).
 */
import { KilnError } from "../../core/errors.js";
import { TarStreamParser, type TarEntry } from "../../core/volumes/tar-stream.js";
import { getArchive } from "./container-archive.js";
import type { EngineHttp } from "./engine-http.js";
import type { HelperContainers } from "./helper-container.js";

/**
 * Owner and mode of a folder in an image (undefined when the image has no folder there): what
 * the engine gives an empty volume's root when a container of that image mounts it there.
 */
export function imageFolder(
  api: EngineHttp,
  containers: HelperContainers,
  image: string,
  folder: string,
): Promise<{ uid: number; gid: number; mode: number } | undefined> {
  return containers.withContainer({ image }, async (id) => {
    const res = await api.send("GET", `/containers/${id}/archive?path=${encodeURIComponent(folder)}`);
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

/** small files of an image (e.g. /etc/passwd); missing files are absent from the result */
export async function readImageFiles(
  api: EngineHttp,
  containers: HelperContainers,
  image: string,
  paths: string[],
): Promise<Record<string, Buffer>> {
  const out: Record<string, Buffer> = {};
  await containers.withContainer({ image }, async (id) => {
    for (const p of paths) {
      try {
        const stream = await getArchive(api, id, p);
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
