/**
 * Volumes on the Podman engine beside dockerd, read without side effects: Podman re-owns a
 * volume that "needs chown" at the first container start, so owners are read on the host
 * (the tests run as root next to rootful Podman), never by starting a container.
 */
import { spawnSync } from "node:child_process";
import { statSync } from "node:fs";
import { PODMAN_HOST, podman } from "./podman.js";

export interface PodmanVolume {
  Name: string;
  Mountpoint: string;
  Labels: Record<string, string> | null;
  Options: Record<string, string> | null;
  NeedsChown?: boolean;
  CreatedAt: string;
}

/** `podman volume inspect`, undefined when the volume does not exist */
export function podmanVolume(name: string): PodmanVolume | undefined {
  const r = podman(["volume", "inspect", name]);
  if (r.code !== 0) return undefined;
  return (JSON.parse(r.stdout) as PodmanVolume[])[0];
}

/** "uid:gid" of the volume's root folder, from the host */
export function podmanVolumeOwner(name: string): string {
  const v = podmanVolume(name);
  if (!v) throw new Error(`no Podman volume ${name}`);
  const s = statSync(v.Mountpoint);
  return `${s.uid}:${s.gid}`;
}

/** `docker compose` (v2) against Podman's socket; throws with its stderr when it fails */
export function composeOnPodman(project: string, file: string, args: string[]): string {
  const r = spawnSync("docker", ["compose", "-p", project, "-f", file, ...args], {
    encoding: "utf8",
    env: { ...process.env, DOCKER_HOST: PODMAN_HOST },
  });
  if (r.status !== 0) throw new Error(`docker compose ${args.join(" ")} failed:\n${r.stderr}`);
  return r.stdout;
}

/** a command in a running container on Podman; throws with its stderr when it fails */
export function podmanExec(container: string, script: string): string {
  const r = podman(["exec", container, "sh", "-c", script]);
  if (r.code !== 0) throw new Error(`podman exec ${container} failed (${r.code}):\n${r.stderr}`);
  return r.stdout;
}
