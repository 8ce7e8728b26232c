/**
 * An image's config as the build client's docker sees it (on a `--builder` of another context,
 * that engine), and a tag there: the devcontainer stages and doctor's devcontainer check use them.
 */
import type { DockerClient } from "../engine/client.js";
import { runProcess } from "../process-runner.js";

export interface ImageConfig {
  User?: string;
  Labels?: Record<string, string> | null;
}

export async function imageConfig(client: DockerClient, ref: string): Promise<ImageConfig | undefined> {
  const r = await runProcess([...client.argv, "image", "inspect", "--format", "{{json .Config}}", ref], {
    env: client.env,
    allowFailure: true,
  });
  if (r.exitCode !== 0) return undefined;
  return JSON.parse(r.stdout.trim()) as ImageConfig;
}

export async function tagImage(client: DockerClient, source: string, target: string): Promise<void> {
  await runProcess([...client.argv, "tag", source, target], { env: client.env });
}
