/**
 * Turns a build request into docker CLI arguments for either BuildKit mode. Pure, so the
 * exact arguments are unit-tested without an engine. Values are array elements, never shell.
 */
import type { BuildSecret } from "../compose/model.js";

export type BuildMode = "buildx" | "legacy";

export interface BuildRequest {
  context: string;
  dockerfile?: string;
  dockerfileInline?: string;
  tags: string[];
  labels: Record<string, string>;
  /** null: declared without a value — not passed */
  args: Record<string, string | null>;
  target?: string;
  platforms?: string[];
  noCache?: boolean;
  pull?: boolean;
  cacheFrom?: string[];
  network?: string;
  extraHosts?: string[];
  shmSize?: string | number;
  secrets?: BuildSecret[];
  ssh?: string[];
  additionalContexts?: Record<string, string>;
  /** embed BuildKit inline cache metadata (for --cache-from a registry image later) */
  inlineCache?: boolean;
}

export interface BuildTarget {
  iidFile: string;
  /**
   * a buildx builder (`--builder`); every driver gets `--load`: kiln pins the image the engine
   * holds, and a docker-container / kubernetes / remote builder keeps its result otherwise
   */
  builder?: string;
}

export function buildArgs(mode: BuildMode, req: BuildRequest, files: BuildTarget): string[] {
  const a: string[] =
    mode === "buildx" ? ["buildx", "build", "--load", "--progress=rawjson"] : ["build", "--progress=plain"];
  if (mode === "buildx" && files.builder !== undefined) a.splice(2, 0, "--builder", files.builder);
  a.push("--iidfile", files.iidFile);
  if (req.dockerfileInline !== undefined) a.push("-f", "-");
  else if (req.dockerfile !== undefined) a.push("-f", req.dockerfile);
  for (const t of req.tags) a.push("-t", t);
  for (const [k, v] of Object.entries(req.labels)) a.push("--label", `${k}=${v}`);
  const args = { ...req.args };
  if (req.inlineCache) args.BUILDKIT_INLINE_CACHE = "1";
  for (const [k, v] of Object.entries(args)) if (v !== null) a.push("--build-arg", `${k}=${v}`);
  if (req.target) a.push("--target", req.target);
  if (req.platforms && req.platforms.length > 0) a.push("--platform", req.platforms.join(","));
  if (req.noCache) a.push("--no-cache");
  if (req.pull) a.push("--pull");
  for (const c of req.cacheFrom ?? []) a.push("--cache-from", c);
  if (req.network) a.push("--network", req.network);
  for (const h of req.extraHosts ?? []) a.push("--add-host", h.replace(/=/, ":"));
  if (req.shmSize !== undefined) a.push("--shm-size", String(req.shmSize));
  for (const s of req.secrets ?? []) {
    a.push(
      "--secret",
      "file" in s.source ? `id=${s.id},src=${s.source.file}` : `id=${s.id},env=${s.source.environment}`,
    );
  }
  for (const s of req.ssh ?? []) a.push("--ssh", s);
  for (const [name, where] of Object.entries(req.additionalContexts ?? {}))
    a.push("--build-context", `${name}=${where}`);
  a.push(req.context);
  return a;
}
