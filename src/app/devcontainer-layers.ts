/**
 * What a devcontainer service adds to its image (#13.1, #13.3, #13.6): its Features and UID
 * layer as fingerprint inputs — local Features by every file and mode, OCI Features by the digest
 * in devcontainer-lock.json, their options and order. devcontainer-stages.ts builds them.
 */
import path from "node:path";
import { KilnError } from "../core/errors.js";
import type { DevcontainerModel, ProjectModel } from "../core/compose/model.js";
import type { FingerprintManifest } from "../core/fingerprint/index.js";
import {
  configuredFeatures,
  featureInstallOrder,
  isLocalFeature,
  localFeatureFolder,
  lockedDigest,
  overrideInstallOrder,
  parseFeatureMetadata,
  type OrderNode,
} from "../core/devcontainer/features.js";
import { finalStageUser } from "../core/devcontainer/dockerfile-user.js";
import { substituteVariables } from "../core/compose/devcontainer.js";
import {
  stageHashes,
  uidLayerWanted,
  type DevcontainerLayers,
  type FeatureFingerprint,
} from "../core/devcontainer/layers.js";
import type { FingerprintIo } from "../core/fingerprint/index.js";
import type { Ports } from "./ports.js";

/** files as the fingerprint reads them, and the Dev Containers CLI (its version, Feature digests) */
export type LayerPorts = Pick<Ports, "fingerprints" | "devcontainer">;

export const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** the devcontainer's own service, when it is one kiln builds */
export function devcontainerService(model: ProjectModel): string | undefined {
  const name = model.devcontainer?.service;
  return name && model.services.some((s) => s.name === name && s.build) ? name : undefined;
}

interface LocalFeature {
  key: string;
  folder: string;
  files: Record<string, string>;
  dependsOn: string[];
  installsAfter: string[];
}

function readLocalFeature(dc: DevcontainerModel, key: string, io: FingerprintIo): LocalFeature {
  const folder = localFeatureFolder(key, dc.configPath, dc.workspaceFolder);
  if (!io.isDirectory(folder)) {
    throw new KilnError("ERR_KILN_FEATURE", `Feature "${key}": folder ${folder} does not exist`, {
      location: dc.configPath,
      hint: "local Feature keys are paths relative to devcontainer.json's folder; fix the key or add the folder",
    });
  }
  const metaFile = path.join(folder, "devcontainer-feature.json");
  const meta = io.readFile(metaFile);
  if (meta === undefined) {
    throw new KilnError("ERR_KILN_FEATURE", `Feature "${key}": ${metaFile} does not exist`, {
      location: metaFile,
      hint: "a Feature folder needs a devcontainer-feature.json and an install.sh",
    });
  }
  const m = parseFeatureMetadata(meta.toString("utf8"), metaFile, key);
  const files = { ...io.hashContext(folder, undefined).files };
  return { key, folder, files, dependsOn: m.dependsOn, installsAfter: m.installsAfter };
}

/** the layers of the devcontainer service, or undefined when it needs none */
export function devcontainerLayers(
  model: ProjectModel,
  serviceHash: string,
  ports: LayerPorts,
  options: { warn?: (line: string) => void; env: NodeJS.ProcessEnv },
): DevcontainerLayers | undefined {
  const dc = model.devcontainer;
  const name = devcontainerService(model);
  if (!dc || !name) return undefined;
  const svc = model.services.find((s) => s.name === name)!;
  const config = dc.config;
  const features = configuredFeatures(config);
  const io = ports.fingerprints.io();
  const layers: DevcontainerLayers = { serviceHash };
  if (features.length > 0) {
    const configDir = path.dirname(dc.configPath);
    const lockText = ["devcontainer-lock.json", ".devcontainer-lock.json"]
      .map((f) => io.readFile(path.join(configDir, f)))
      .find((b) => b !== undefined)
      ?.toString("utf8");
    // no lock file: the digests the CLI resolves from the registries (offline → undefined, warned below)
    const oci = features.filter((f) => !isLocalFeature(f.key));
    const resolved =
      lockText === undefined && oci.length > 0
        ? ports.devcontainer.resolveFeatureLock(
            options.env,
            Object.fromEntries(oci.map((f) => [f.key, f.options ?? {}])),
          )
        : undefined;
    const prints: FeatureFingerprint[] = [];
    const nodes: OrderNode[] = [];
    const seen = new Set<string>();
    const todo = features.map((f) => ({ key: f.key, options: f.options }));
    while (todo.length > 0) {
      const f = todo.shift()!;
      if (seen.has(path.posix.normalize(f.key))) continue;
      seen.add(path.posix.normalize(f.key));
      if (isLocalFeature(f.key)) {
        const local = readLocalFeature(dc, f.key, io);
        prints.push({ key: f.key, options: f.options ?? {}, files: local.files });
        nodes.push({ key: f.key, dependsOn: local.dependsOn, installsAfter: local.installsAfter });
        // a dependsOn the config does not list is installed too: it is part of the image
        for (const d of local.dependsOn) if (isLocalFeature(d)) todo.push({ key: d, options: {} });
      } else {
        const digest = lockedDigest(lockText ?? resolved, f.key);
        if (!digest) {
          options.warn?.(
            `kiln: Feature ${f.key} has no digest in devcontainer-lock.json and the Dev Containers CLI could not resolve one (offline?): fingerprinted by its reference (a new release under the same tag will not make the image stale; \`devcontainer upgrade\` writes the lock file)`,
          );
        }
        prints.push({ key: f.key, options: f.options ?? {}, digest: digest ?? `ref:${f.key}` });
        nodes.push({ key: f.key, dependsOn: [], installsAfter: [] });
      }
    }
    const override = overrideInstallOrder(config);
    layers.features = {
      cli: cliVersion(ports, options.env),
      features: prints,
      order: featureInstallOrder(nodes, override),
      overrideFeatureInstallOrder: override,
      ...(str(config.remoteUser) ? { remoteUser: str(config.remoteUser) } : {}),
      ...(str(config.containerUser) ? { containerUser: str(config.containerUser) } : {}),
      ...(containerEnvOf(dc, options.env) ? { containerEnv: containerEnvOf(dc, options.env) } : {}),
    };
  }
  const remoteUser =
    str(config.remoteUser) ?? str(config.containerUser) ?? svc.user ?? dockerfileUser(svc.build, io);
  if (
    uidLayerWanted({
      platform: process.platform,
      updateRemoteUserUID: config.updateRemoteUserUID,
      remoteUser,
    })
  ) {
    layers.uid = {
      uid: process.getuid?.() ?? 0,
      gid: process.getgid?.() ?? 0,
      ...(str(config.remoteUser) ? { remoteUser: str(config.remoteUser) } : {}),
      ...(str(config.containerUser) ? { containerUser: str(config.containerUser) } : {}),
      ...(svc.user ? { serviceUser: svc.user } : {}),
    };
  }
  return layers.features || layers.uid ? layers : undefined;
}

/** devcontainer.json's containerEnv with the host-side variables resolved (the copy lives elsewhere) */
export function containerEnvOf(
  dc: DevcontainerModel,
  env: NodeJS.ProcessEnv,
): Record<string, string> | undefined {
  const raw = dc.config.containerEnv;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    out[k] = substituteVariables(String(v), dc.workspaceFolder, env);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** the last `USER` of the Dockerfile's final stage, when written as a plain name */
function dockerfileUser(
  build: ProjectModel["services"][number]["build"],
  io: FingerprintIo,
): string | undefined {
  if (!build || build.contextIsRemote) return undefined;
  const text =
    build.dockerfileInline ??
    io.readFile(build.dockerfile ?? path.join(build.context, "Dockerfile"))?.toString("utf8");
  return text === undefined ? undefined : finalStageUser(text);
}

export function cliVersion(ports: LayerPorts, env: NodeJS.ProcessEnv): string {
  try {
    return ports.devcontainer.cli(env).version;
  } catch {
    return "missing"; // the build says so, with the install command
  }
}

/** the manifests with the devcontainer service's stages chained onto its fingerprint */
export function withDevcontainerLayers(
  model: ProjectModel,
  manifests: Map<string, FingerprintManifest>,
  ports: LayerPorts,
  options: { warn?: (line: string) => void; env: NodeJS.ProcessEnv },
): Map<string, FingerprintManifest> {
  const name = devcontainerService(model);
  const base = name ? manifests.get(name) : undefined;
  if (!name || !base) return manifests;
  const layers = devcontainerLayers(model, base.hash, ports, options);
  if (!layers) return manifests;
  const out = new Map(manifests);
  out.set(name, { ...base, hash: stageHashes(layers).final, devcontainer: layers });
  return out;
}
