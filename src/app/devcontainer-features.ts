/**
 * A devcontainer service's Features and UID layer, baked into its pinned image (#13.1, #13.3,
 * #13.6): fingerprint them (local Features by every file and mode, OCI Features by the digest
 * in devcontainer-lock.json), and build the stages on top of the service image — the Features
 * by the real Dev Containers CLI, the UID layer from the CLI's own updateUID.Dockerfile with the
 * local UID/GID. The last image carries `updateRemoteUserUID: false` in its devcontainer.metadata
 * label, so `devcontainer up` skips its UID layer: the CLI reads that property from the image
 * when devcontainer.json does not set it.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
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
import type { PlanTarget } from "../core/plan/plan.js";
import { LABEL, imageRepo, imageTag } from "../core/image-ref.js";
import { FsFingerprintIo } from "../adapters/fs/context-hasher.js";
import {
  engineMajor,
  findDevcontainerCli,
  installFeatures,
  resolveFeatureLock,
} from "../adapters/devcontainer/cli.js";
import type { BuildOutcome } from "../adapters/engine/build.js";
import type { BuildPort } from "./ports.js";
import type { DockerClient } from "../adapters/engine/client.js";
import { runProcess } from "../adapters/process-runner.js";

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

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

function readLocalFeature(dc: DevcontainerModel, key: string, io: FsFingerprintIo): LocalFeature {
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
  options: { warn?: (line: string) => void; env: NodeJS.ProcessEnv },
): DevcontainerLayers | undefined {
  const dc = model.devcontainer;
  const name = devcontainerService(model);
  if (!dc || !name) return undefined;
  const svc = model.services.find((s) => s.name === name)!;
  const config = dc.config;
  const features = configuredFeatures(config);
  const io = new FsFingerprintIo();
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
        ? resolveFeatureLock(options.env, Object.fromEntries(oci.map((f) => [f.key, f.options ?? {}])))
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
      cli: cliVersion(options.env),
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
function containerEnvOf(dc: DevcontainerModel, env: NodeJS.ProcessEnv): Record<string, string> | undefined {
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
  io: FsFingerprintIo,
): string | undefined {
  if (!build || build.contextIsRemote) return undefined;
  const text =
    build.dockerfileInline ??
    io.readFile(build.dockerfile ?? path.join(build.context, "Dockerfile"))?.toString("utf8");
  return text === undefined ? undefined : finalStageUser(text);
}

function cliVersion(env: NodeJS.ProcessEnv): string {
  try {
    return findDevcontainerCli(env).version;
  } catch {
    return "missing"; // the build says so, with the install command
  }
}

/** the manifests with the devcontainer service's stages chained onto its fingerprint */
export function withDevcontainerLayers(
  model: ProjectModel,
  manifests: Map<string, FingerprintManifest>,
  options: { warn?: (line: string) => void; env: NodeJS.ProcessEnv },
): Map<string, FingerprintManifest> {
  const name = devcontainerService(model);
  const base = name ? manifests.get(name) : undefined;
  if (!name || !base) return manifests;
  const layers = devcontainerLayers(model, base.hash, options);
  if (!layers) return manifests;
  const out = new Map(manifests);
  out.set(name, { ...base, hash: stageHashes(layers).final, devcontainer: layers });
  return out;
}

export interface StageContext {
  model: ProjectModel;
  client: DockerClient;
  env: NodeJS.ProcessEnv;
  extraLabels: Record<string, string>;
  signal?: AbortSignal;
  /** builds the service's own image (kiln's normal build) under the given target */
  buildService: (target: PlanTarget) => Promise<BuildOutcome>;
  /** runs one build (the build port), for the UID stage */
  build: BuildPort["build"];
}

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

async function hasStage(client: DockerClient, ref: string, fingerprint: string): Promise<boolean> {
  return (await imageConfig(client, ref))?.Labels?.[LABEL.fingerprint] === fingerprint;
}

/** builds the stages of a devcontainer target that are not on the engine yet; returns the service build's outcome */
export async function buildStages(target: PlanTarget, ctx: StageContext): Promise<BuildOutcome | undefined> {
  const stages = target.stages!;
  const dc = ctx.model.devcontainer!;
  const labels = (fingerprint: string): Record<string, string> => ({
    ...ctx.extraLabels,
    [LABEL.fingerprint]: fingerprint,
    [LABEL.project]: ctx.model.name,
    [LABEL.service]: target.service,
  });
  let outcome: BuildOutcome | undefined;
  if (!(await hasStage(ctx.client, stages.service.imageRef, stages.service.fingerprint))) {
    outcome = await ctx.buildService({
      ...target,
      fingerprint: stages.service.fingerprint,
      imageRef: stages.service.imageRef,
    });
  }
  let last = stages.service.imageRef;
  if (stages.features) {
    if (!(await hasStage(ctx.client, stages.features.imageRef, stages.features.fingerprint))) {
      await bakeFeatures(dc, last, stages.features.imageRef, labels(stages.features.fingerprint), ctx);
    }
    last = stages.features.imageRef;
  }
  if (stages.uid) {
    await bakeUid(dc, last, stages.uid, labels(stages.uid.fingerprint), ctx, target.service);
    last = stages.uid.imageRef;
  }
  // the name compose would give the service points at what the devcontainer runs
  const plain = `${imageRepo(target.imageName)}:${imageTag(target.imageName)}`;
  await runProcess([...ctx.client.argv, "tag", last, plain], { env: ctx.client.env });
  return outcome;
}

async function bakeFeatures(
  dc: DevcontainerModel,
  baseRef: string,
  imageRef: string,
  labels: Record<string, string>,
  ctx: StageContext,
): Promise<void> {
  const cli = findDevcontainerCli(ctx.env);
  const workspace = mkdtempSync(path.join(os.tmpdir(), "kiln-features-"));
  try {
    // the same layout under .devcontainer: local Feature keys (and the ids in the label) stay as written
    const rel = path.relative(path.join(dc.workspaceFolder, ".devcontainer"), path.dirname(dc.configPath));
    const configDir = path.join(workspace, ".devcontainer", rel);
    mkdirSync(configDir, { recursive: true });
    const features = configuredFeatures(dc.config);
    const copied = new Set<string>();
    const featureKeys: Record<string, string> = {};
    const copy = (key: string): void => {
      const src = localFeatureFolder(key, dc.configPath, dc.workspaceFolder);
      if (copied.has(src)) return;
      copied.add(src);
      cpSync(src, path.join(configDir, key), { recursive: true, preserveTimestamps: true });
      const meta = parseFeatureMetadata(
        readFileSync(path.join(src, "devcontainer-feature.json"), "utf8"),
        src,
        key,
      );
      featureKeys[meta.id] = key;
      if (meta.name) featureKeys[meta.name] = key;
      for (const d of meta.dependsOn) if (isLocalFeature(d)) copy(d);
    };
    for (const f of features) if (f.local) copy(f.key);
    for (const lock of ["devcontainer-lock.json", ".devcontainer-lock.json"]) {
      const file = path.join(path.dirname(dc.configPath), lock);
      if (existsSync(file)) cpSync(file, path.join(configDir, lock));
    }
    const c = dc.config;
    const config = {
      image: baseRef,
      features: c.features,
      ...(Array.isArray(c.overrideFeatureInstallOrder)
        ? { overrideFeatureInstallOrder: c.overrideFeatureInstallOrder }
        : {}),
      ...(str(c.remoteUser) ? { remoteUser: c.remoteUser } : {}),
      ...(str(c.containerUser) ? { containerUser: c.containerUser } : {}),
      // the CLI writes the config's containerEnv into the Features image as ENV lines
      ...(containerEnvOf(dc, ctx.env) ? { containerEnv: containerEnvOf(dc, ctx.env) } : {}),
    };
    const configPath = path.join(configDir, "devcontainer.json");
    writeFileSync(configPath, JSON.stringify(config, null, 2));
    await installFeatures({
      cli,
      workspaceFolder: workspace,
      configPath,
      imageName: imageRef,
      labels,
      dockerPath: ctx.client.path,
      env: ctx.client.env,
      omitSyntaxDirective: true,
      featureKeys,
      noBuildContexts: ((await engineMajor(ctx.client.argv, ctx.client.env)) ?? 0) < 23,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

const METADATA_LABEL = "devcontainer.metadata";

async function bakeUid(
  dc: DevcontainerModel,
  baseRef: string,
  stage: NonNullable<NonNullable<PlanTarget["stages"]>["uid"]>,
  labels: Record<string, string>,
  ctx: StageContext,
  service: string,
): Promise<void> {
  if (await hasStage(ctx.client, stage.imageRef, stage.fingerprint)) return;
  const base = await imageConfig(ctx.client, baseRef);
  if (!base) {
    throw new KilnError("ERR_KILN_IMAGE_MISSING", `${baseRef} disappeared while kiln was working`, {
      hint: "another process removed the image: run the same kiln command again",
    });
  }
  const entries = parseMetadata(base.Labels?.[METADATA_LABEL]);
  // the CLI's rule: the last remoteUser of the metadata (devcontainer.json's last), else the
  // compose service's user, else the image's USER
  const svc = ctx.model.services.find((s) => s.name === service);
  const fromMeta = [...entries].reverse().find((e) => str(e.remoteUser))?.remoteUser;
  const imageUser = base.User || "root";
  const remoteUser = str(dc.config.remoteUser) ?? str(fromMeta) ?? svc?.user ?? imageUser;
  const cli = findDevcontainerCli(ctx.env);
  const emptyDir = mkdtempSync(path.join(os.tmpdir(), "kiln-uid-"));
  try {
    const changes = remoteUser !== "root" && !/^\d+$/.test(remoteUser);
    if (changes && !cli.updateUidDockerfile) {
      throw new KilnError(
        "ERR_KILN_DEVCONTAINER_CLI",
        "the Dev Containers CLI's updateUID.Dockerfile was not found",
        {
          hint: "set KILN_DEVCONTAINER_CLI to the devcontainer.js of an @devcontainers/cli package",
        },
      );
    }
    await ctx.build(
      ctx.client,
      {
        context: emptyDir,
        ...(changes
          ? { dockerfile: cli.updateUidDockerfile! }
          : { dockerfileInline: "ARG BASE_IMAGE\nFROM $BASE_IMAGE\n" }),
        tags: [stage.imageRef],
        labels: {
          ...labels,
          [METADATA_LABEL]: JSON.stringify([...entries, { updateRemoteUserUID: false }]),
        },
        args: {
          BASE_IMAGE: baseRef,
          REMOTE_USER: remoteUser,
          NEW_UID: String(stage.uid),
          NEW_GID: String(stage.gid),
          IMAGE_USER: imageUser,
        },
      },
      { ...(ctx.signal ? { signal: ctx.signal } : {}) },
    );
  } finally {
    rmSync(emptyDir, { recursive: true, force: true });
  }
}

function parseMetadata(label: string | undefined): Record<string, unknown>[] {
  if (!label) return [];
  try {
    const v = JSON.parse(label) as unknown;
    return Array.isArray(v) ? (v as Record<string, unknown>[]) : [v as Record<string, unknown>];
  } catch {
    return [];
  }
}
