/**
 * The Podman engine beside dockerd (scripts/podman-engine.sh starts it): its API socket, the
 * podman CLI, and clean-up of what a test made there.
 */
import { spawnSync } from "node:child_process";

export const PODMAN_SOCKET = "/run/podman/podman.sock";
export const PODMAN_HOST = `unix://${PODMAN_SOCKET}`;

export function podman(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync("podman", args, { encoding: "utf8", maxBuffer: 1 << 28 });
  return { code: r.status ?? 1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

export function podmanAvailable(): boolean {
  const r = spawnSync("curl", ["-fsS", "--max-time", "3", "--unix-socket", PODMAN_SOCKET, "http://d/_ping"], {
    encoding: "utf8",
  });
  return r.status === 0;
}

/** removes the containers, images and volumes carrying the label (`key=value`) from Podman */
export function sweepPodman(label: string): void {
  const ids = (args: string[]): string[] => podman(args).stdout.split("\n").filter(Boolean);
  const containers = ids(["ps", "-aq", "--filter", `label=${label}`]);
  if (containers.length > 0) podman(["rm", "-f", ...containers]);
  const images = [...new Set(ids(["images", "-q", "--filter", `label=${label}`]))];
  if (images.length > 0) podman(["rmi", "-f", ...images]);
  const volumes = ids(["volume", "ls", "-q", "--filter", `label=${label}`]);
  if (volumes.length > 0) podman(["volume", "rm", "-f", ...volumes]);
}
