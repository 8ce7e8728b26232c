/**
 * Turns a build request into docker CLI arguments for either BuildKit mode. Pure, so the
 * exact arguments are unit-tested without an engine. Values are array elements, never shell.
 */
import type { BuildSecret } from "../compose/model.js";

import { KilnError } from "../errors.js";

/** buildx plugin, the legacy ≤ 22 client with DOCKER_BUILDKIT=1, or `podman build` (Buildah) */
export type BuildMode = "buildx" | "legacy" | "podman";

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

/**
 * `podman build`: Buildah with `--layers` (its layer cache; off by default in `podman build`
 * only when the config says so), same flag names as docker for everything kiln passes. A
 * registry cache source has no Buildah equivalent kiln can rely on: refused (podmanRefusal).
 */
function podmanArgs(req: BuildRequest, files: BuildTarget): string[] {
  // --force-rm: remove Buildah's working containers even after a failed step (failed builds
  // left some behind on this machine)
  const a = ["build", "--layers", "--force-rm", "--iidfile", files.iidFile];
  if (req.dockerfileInline !== undefined) a.push("-f", "-");
  else if (req.dockerfile !== undefined) a.push("-f", req.dockerfile);
  for (const t of req.tags) a.push("-t", t);
  for (const [k, v] of Object.entries(req.labels)) a.push("--label", `${k}=${v}`);
  for (const [k, v] of Object.entries(req.args)) if (v !== null) a.push("--build-arg", `${k}=${v}`);
  if (req.target) a.push("--target", req.target);
  if (req.platforms && req.platforms.length > 0) a.push("--platform", req.platforms.join(","));
  if (req.noCache) a.push("--no-cache");
  if (req.pull) a.push("--pull=always");
  return withRunOptions(a, req);
}

/** what `podman build` cannot do for this request, as the refusal to raise before building */
export function podmanRefusal(req: BuildRequest): KilnError | undefined {
  if (req.cacheFrom && req.cacheFrom.length > 0) {
    return new KilnError(
      "ERR_KILN_ENGINE_UNSUPPORTED",
      `podman build cannot take layers from a registry cache (--cache-from ${req.cacheFrom.join(", ")}): Buildah has no BuildKit cache import`,
      {
        hint: "on Podman, share baked images instead: `kiln pull` / `kiln bake` with a registry pulls a service whose fingerprint is there (no cache-from needed), or `kiln bundle`; or drop build.cache_from",
      },
    );
  }
  return undefined;
}

export function buildArgs(mode: BuildMode, req: BuildRequest, files: BuildTarget): string[] {
  if (mode === "podman") return podmanArgs(req, files);
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
  return withRunOptions(a, req);
}

/** what podman build and docker build take alike: network, hosts, shm, secrets, ssh, contexts */
function withRunOptions(a: string[], req: BuildRequest): string[] {
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
