/**
 * Would "Reopen in Container" build? (#13.7) The devcontainer's service is unbaked or stale; its
 * pinned image lacks Features devcontainer.json asks for (the CLI builds a `-features` image); the
 * CLI would add its UID layer (`-uid` image: non-root remote user, Linux, updateRemoteUserUID not
 * false in the config nor in the image's metadata); or devcontainer.json still lists Features the
 * pinned image carries (the CLI installs them a second time).
 */
import { parse } from "jsonc-parser";
import type { CheckResult } from "../../../core/doctor/check.js";
import { configuredFeatures, sameFeature } from "../../../core/devcontainer/features.js";
import { uidLayerWanted } from "../../../core/devcontainer/layers.js";
import type { DockerClient } from "../../../adapters/engine/client.js";
import type { ProjectStatus } from "../../status.js";
import { devcontainerService } from "../../devcontainer-layers.js";
import type { DevcontainerPort } from "../../ports.js";

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

export async function devcontainerChecks(
  status: ProjectStatus,
  /** the build client (its docker reads the image's config) */
  client: () => Promise<DockerClient>,
  /** reads the image's config through that client */
  imageConfig: DevcontainerPort["imageConfig"],
): Promise<CheckResult[]> {
  const model = status.opened.model;
  const dc = model.devcontainer;
  const name = devcontainerService(model);
  if (!dc || !name) return [];
  const id = `devcontainer.${name}`;
  const s = status.services.find((x) => x.name === name);
  if (!s) return [];
  if (s.state !== "baked") {
    return [
      {
        id,
        status: "warn",
        message: `Reopen in Container would build ${name}: it is ${s.state} (${s.reason})`,
        hint: "kiln bake",
      },
    ];
  }
  const docker = await client().catch(() => undefined);
  const image = docker ? await imageConfig(docker, s.image) : undefined;
  if (!image) return [];
  let entries: Record<string, unknown>[] = [];
  try {
    const raw = JSON.parse(image.Labels?.["devcontainer.metadata"] ?? "[]") as unknown;
    entries = Array.isArray(raw) ? (raw as Record<string, unknown>[]) : [];
  } catch {
    entries = [];
  }
  const carried = entries.map((e) => str(e.id)).filter((x): x is string => x !== undefined);
  const out: CheckResult[] = [];
  const wanted = configuredFeatures(dc.config).map((f) => f.key);
  const missing = wanted.filter((k) => !carried.some((c) => sameFeature(c, k)));
  if (missing.length > 0) {
    out.push({
      id,
      status: "warn",
      message: `Reopen in Container would build a Features image on top of ${s.image}: it lacks ${missing.join(", ")}`,
      hint: "kiln bake",
    });
  }
  // pinned in place: the devcontainer.json on disk is what the CLI reads (override: kiln's copy)
  const inplace = Object.values(status.opened.pins.files).some((records) => name in records);
  let onDisk: string[] = [];
  try {
    if (inplace)
      onDisk = configuredFeatures(
        (parse(status.opened.files.read(dc.configPath), [], { allowTrailingComma: true }) ?? {}) as Record<
          string,
          unknown
        >,
      ).map((f) => f.key);
  } catch {
    onDisk = [];
  }
  const twice = onDisk.filter((k) => carried.some((c) => sameFeature(c, k)));
  if (twice.length > 0) {
    out.push({
      id: `${id}.features`,
      status: "warn",
      message: `${dc.configPath} still lists Features the pinned image carries (${twice.join(", ")}): Reopen in Container would install them again`,
      hint: "kiln bake (takes them out of devcontainer.json; kiln restore puts them back)",
    });
  }
  const reversed = [...entries].reverse();
  const update =
    typeof dc.config.updateRemoteUserUID === "boolean"
      ? dc.config.updateRemoteUserUID
      : reversed.find((e) => typeof e.updateRemoteUserUID === "boolean")?.updateRemoteUserUID;
  const svc = model.services.find((x) => x.name === name);
  const remoteUser =
    str(dc.config.remoteUser) ??
    str(reversed.find((e) => str(e.remoteUser))?.remoteUser) ??
    svc?.user ??
    (image.User || "root");
  if (uidLayerWanted({ platform: process.platform, updateRemoteUserUID: update, remoteUser })) {
    out.push({
      id: `${id}.uid`,
      status: "warn",
      message: `Reopen in Container would build a UID layer (vsc-…-uid) for remote user ${remoteUser} on top of ${s.image}`,
      hint: `set "remoteUser": "${remoteUser}" in ${dc.configPath} and run kiln bake (kiln then bakes the UID layer), or set "updateRemoteUserUID": false`,
    });
  }
  if (out.length === 0) {
    out.push({
      id,
      status: "ok",
      message: `Reopen in Container builds nothing: ${s.image} carries what it needs`,
    });
  }
  return out;
}
