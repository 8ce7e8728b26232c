/**
 * BuildKit cache mounts (`RUN --mount=type=cache`) live inside the builder and cannot be
 * exported directly. kiln reaches them the only way BuildKit allows — from a build: a tiny
 * helper build FROM the service's own baked image mounts the cache by the same id and tars it
 * into a local output (export), or untars a bundle's copy into it (import). The id is what
 * BuildKit keys a cache mount by (`id=`, else the target path), so the reverse build re-seeds
 * exactly the cache the service's Dockerfile will mount.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { KilnError } from "../../core/errors.js";
import type { ProjectModel } from "../../core/compose/model.js";
import { cacheMountsIn, type CacheMountRef } from "../../core/bundle/cache-mounts.js";
import { seesEngineImages } from "../../core/build/builder-inspect.js";
import type { DockerClient } from "../engine/client.js";
import { ProcessError, runProcess } from "../process-runner.js";

export type { CacheMountRef };

/** every cache mount of the selected services' Dockerfiles (read from disk), once per id */
export function cacheMountsOf(
  model: ProjectModel,
  services: { service: string; imageRef: string }[],
): CacheMountRef[] {
  return cacheMountsIn(model, services, (file) => {
    try {
      return readFileSync(file, "utf8");
    } catch {
      return undefined;
    }
  });
}

/**
 * The helper builds start FROM the service's baked image, which only a docker-driver builder
 * can read from the engine: on any other builder the cache mounts are out of kiln's reach.
 */
export function checkCacheMountsReachable(client: DockerClient, verb: "export" | "import"): void {
  const b = client.builder;
  if (!b || seesEngineImages(b)) return;
  throw new KilnError(
    "ERR_KILN_BUNDLE",
    `the cache mounts live in buildx builder "${b.name}" (driver ${b.driver}), whose builds cannot start FROM the engine's baked images — kiln cannot ${verb} them there`,
    {
      hint:
        verb === "export"
          ? "export without --cache-mounts (images only), or bake and export on a docker-driver builder (drop --builder / BUILDX_BUILDER)"
          : "import with --no-cache-mounts (images only), or import on a docker-driver builder (drop --builder / BUILDX_BUILDER)",
    },
  );
}

function mountFlag(c: CacheMountRef): string {
  const esc = (v: string): string => (/[,"=\s]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return `--mount=type=cache,id=${esc(c.id)},target=/kiln-cache${c.sharing ? `,sharing=${c.sharing}` : ""}`;
}

async function helperBuild(
  client: DockerClient,
  dockerfile: string,
  context: string,
  out: string,
  signal?: AbortSignal,
): Promise<void> {
  const args =
    client.mode === "buildx"
      ? ["buildx", "build", ...(client.builder ? ["--builder", client.builder.name] : []), "--progress=plain"]
      : client.mode === "podman"
        ? ["build"]
        : ["build", "--progress=plain"];
  // podman reads `-f -` from /dev/stdin, which a socket (node's child stdio) cannot open
  const fileDir = client.mode === "podman" ? mkdtempSync(path.join(os.tmpdir(), "kiln-helper-")) : undefined;
  if (fileDir) writeFileSync(path.join(fileDir, "Dockerfile"), dockerfile);
  try {
    await runProcess(
      [
        ...client.argv,
        ...args,
        "-f",
        fileDir ? path.join(fileDir, "Dockerfile") : "-",
        "--build-arg",
        `KILN_NONCE=${randomBytes(8).toString("hex")}`,
        "-o",
        `type=local,dest=${out}`,
        context,
      ],
      { env: client.env, ...(fileDir ? {} : { input: dockerfile }), ...(signal ? { signal } : {}) },
    );
  } catch (error: unknown) {
    if (!(error instanceof ProcessError)) throw error;
    throw new KilnError(
      "ERR_KILN_BUNDLE",
      `the cache-mount helper build failed: ${error.stderrTail.trim().split("\n").slice(-4).join("\n")}`,
      {
        cause: error,
        hint: "the helper runs `tar` in the service's image as root: the image needs a shell and tar",
      },
    );
  } finally {
    if (fileDir) rmSync(fileDir, { recursive: true, force: true });
  }
}

/** writes the cache mount's contents to `file` (a tar); returns its size */
export async function exportCacheMount(
  client: DockerClient,
  cache: CacheMountRef,
  file: string,
  signal?: AbortSignal,
): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "kiln-cache-out-"));
  try {
    const dockerfile = [
      `FROM ${cache.image} AS dump`,
      "USER root",
      "ARG KILN_NONCE",
      `RUN ${mountFlag(cache)} mkdir -p /kiln-out && tar -C /kiln-cache -cf /kiln-out/cache.tar .`,
      "FROM scratch",
      "COPY --from=dump /kiln-out/cache.tar /cache.tar",
      "",
    ].join("\n");
    const empty = path.join(dir, "ctx");
    const out = path.join(dir, "out");
    mkdirSync(empty);
    await helperBuild(client, dockerfile, empty, out, signal);
    renameSync(path.join(out, "cache.tar"), file);
    return statSync(file).size;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** extracts `file` (a tar made by exportCacheMount, alone in its folder: the folder is the build context) into the engine's cache mount */
export async function importCacheMount(
  client: DockerClient,
  cache: CacheMountRef,
  file: string,
  signal?: AbortSignal,
): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "kiln-cache-in-"));
  try {
    const dockerfile = [
      `FROM ${cache.image} AS seed`,
      "USER root",
      "ARG KILN_NONCE",
      `RUN ${mountFlag(cache)} --mount=type=bind,source=${path.basename(file)},target=/kiln-in.tar tar -C /kiln-cache -xf /kiln-in.tar && echo ok > /kiln-seeded`,
      "FROM scratch",
      "COPY --from=seed /kiln-seeded /kiln-seeded",
      "",
    ].join("\n");
    await helperBuild(client, dockerfile, path.dirname(file), path.join(dir, "out"), signal);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
