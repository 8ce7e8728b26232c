/**
 * What the cache checks need from a service's image: its configured User, its passwd and
 * group files (to turn `user: vscode` into a uid), and whether apt's docker-clean hook is
 * installed. Read from a created, never started container — images that are not local are
 * skipped (kiln never pulls).
 */
import type { ImageFacts } from "../../core/volumes/detect.js";
import { parseDevcontainerMetadata } from "../../core/devcontainer/remote-user.js";
import { parseGroups, parsePasswd } from "../../core/volumes/users.js";
import type { VolumeTransfer } from "./volume-transfer.js";

const DOCKER_CLEAN = "/etc/apt/apt.conf.d/docker-clean";

export async function readImageFacts(
  transfer: VolumeTransfer,
  image: string,
): Promise<ImageFacts | undefined> {
  const inspect = await transfer.text("GET", `/images/${encodeURIComponent(image)}/json`);
  if (inspect.status !== 200) return undefined;
  const config = (
    JSON.parse(inspect.body) as { Config?: { User?: string; Labels?: Record<string, string> | null } | null }
  ).Config;
  const files = await transfer.readImageFiles(image, ["/etc/passwd", "/etc/group", DOCKER_CLEAN]);
  const metadata = parseDevcontainerMetadata(config?.Labels?.["devcontainer.metadata"]);
  return {
    ...(config?.User ? { user: config.User } : {}),
    ...(metadata.length > 0 ? { devcontainerMetadata: metadata } : {}),
    ...(files["/etc/passwd"] ? { passwd: parsePasswd(files["/etc/passwd"].toString("utf8")) } : {}),
    ...(files["/etc/group"] ? { groups: parseGroups(files["/etc/group"].toString("utf8")) } : {}),
    aptDockerClean: files[DOCKER_CLEAN] !== undefined,
  };
}

export async function readAllImageFacts(
  transfer: VolumeTransfer,
  images: string[],
): Promise<Record<string, ImageFacts>> {
  const out: Record<string, ImageFacts> = {};
  for (const image of [...new Set(images)]) {
    const facts = await readImageFacts(transfer, image);
    if (facts) out[image] = facts;
  }
  return out;
}
