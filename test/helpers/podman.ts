/**
 * The Podman engine beside dockerd (scripts/podman-engine.sh starts it): its API socket, the
 * podman CLI, and clean-up of what a test made there.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { engineAvailable, repoRoot, TEST_LABEL, testRunId } from "./kiln.js";

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

/** the label a test file adds to what it makes on Podman when it sweeps only its own (below) */
export const TEST_FILE_LABEL = "kiln.test.file";

/**
 * removes the containers, images and volumes carrying the label (`key=value`) from Podman.
 * Test files run at the same time share the run label: without `file` this leaves alone what
 * carries a TEST_FILE_LABEL (a file that sweeps its own); with `file`, it removes only that.
 */
export function sweepPodman(label: string, file?: string): void {
  const ids = (args: string[], key: "Id" | "Name"): string[] => {
    const r = podman([...args, "--filter", `label=${label}`, "--format", "json"]);
    const rows =
      r.code === 0 ? ((JSON.parse(r.stdout || "[]") as Record<string, unknown>[] | null) ?? []) : [];
    return rows
      .filter(
        (row) => ((row.Labels as Record<string, string> | null)?.[TEST_FILE_LABEL] ?? undefined) === file,
      )
      .map((row) => String(row[key]));
  };
  const containers = ids(["ps", "-a"], "Id");
  if (containers.length > 0) podman(["rm", "-f", ...containers]);
  const images = [...new Set(ids(["images"], "Id"))];
  if (images.length > 0) podman(["rmi", "-f", ...images]);
  const volumes = ids(["volume", "ls"], "Name");
  if (volumes.length > 0) podman(["volume", "rm", "-f", ...volumes]);
}

/** removes a compose project's containers and default network from Podman */
export function removePodmanProject(project: string): void {
  const ids = podman(["ps", "-aq", "--filter", `label=com.docker.compose.project=${project}`])
    .stdout.split("\n")
    .filter(Boolean);
  if (ids.length > 0) podman(["rm", "-f", ...ids]);
  podman(["network", "rm", "-f", `${project}_default`]);
}

/**
 * The compose the Dev Containers CLI (0.89) can drive on Podman with `--docker-compose-path`: it
 * runs `<path> version --short`, which podman-compose 1.0 does not know; compose v2 run as a
 * standalone binary (the CLI plugin) does, and reaches Podman through DOCKER_HOST. docker-compose
 * v1 works too (the CLI falls back to it when `podman compose` fails).
 */
export function composeForDevcontainerCli(): string {
  const v2 = [
    "/usr/local/lib/docker/cli-plugins/docker-compose",
    "/usr/libexec/docker/cli-plugins/docker-compose",
  ];
  return v2.find((p) => existsSync(p)) ?? "docker-compose";
}

/**
 * What a Podman test file that drives the Dev Containers CLI starts with: the CLI, a label of the
 * file's own (another Podman test file of the same run sweeps the run's label with `podman rmi
 * -f`, which also removes the containers of a build still running), and whether both engines answer.
 */
export function podmanCliSetup(suffix: string): {
  devcontainerCli: string;
  label: string;
  available: boolean;
} {
  return {
    devcontainerCli: path.join(repoRoot, "node_modules", ".bin", "devcontainer"),
    label: `${TEST_LABEL}=${testRunId()}-${suffix}`,
    available: engineAvailable() && podmanAvailable(),
  };
}
