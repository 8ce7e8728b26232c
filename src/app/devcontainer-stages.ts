/**
 * The Features and UID stages built on top of a devcontainer service's image (#13.1, #13.3): the
 * Features by the real Dev Containers CLI, the UID layer from the CLI's own updateUID.Dockerfile
 * with the local UID/GID. The last image carries `updateRemoteUserUID: false` in its
 * devcontainer.metadata label, so `devcontainer up` skips its UID layer: the CLI reads that
 * property from the image when devcontainer.json does not set it.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { KilnError } from "../core/errors.js";
import type { DevcontainerModel, ProjectModel } from "../core/compose/model.js";
import {
  configuredFeatures,
  isLocalFeature,
  localFeatureFolder,
  parseFeatureMetadata,
} from "../core/devcontainer/features.js";
import type { PlanTarget } from "../core/plan/plan.js";
import { LABEL, imageRepo, imageTag } from "../core/image-ref.js";
import type { BuildOutcome } from "../adapters/engine/build.js";
import type { BuildPort, DevcontainerPort } from "./ports.js";
import type { DockerClient } from "../adapters/engine/client.js";
import type { ImageConfig } from "../adapters/devcontainer/image-config.js";
import { containerEnvOf, str } from "./devcontainer-layers.js";

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
  /** the Dev Containers CLI, and the image configs and tags through the build client */
  devcontainer: DevcontainerPort;
}

export type { ImageConfig };

async function hasStage(ctx: StageContext, ref: string, fingerprint: string): Promise<boolean> {
  return (await ctx.devcontainer.imageConfig(ctx.client, ref))?.Labels?.[LABEL.fingerprint] === fingerprint;
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
  if (!(await hasStage(ctx, stages.service.imageRef, stages.service.fingerprint))) {
    outcome = await ctx.buildService({
      ...target,
      fingerprint: stages.service.fingerprint,
      imageRef: stages.service.imageRef,
    });
  }
  let last = stages.service.imageRef;
  if (stages.features) {
    if (!(await hasStage(ctx, stages.features.imageRef, stages.features.fingerprint))) {
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
  await ctx.devcontainer.tag(ctx.client, last, plain);
  return outcome;
}

async function bakeFeatures(
  dc: DevcontainerModel,
  baseRef: string,
  imageRef: string,
  labels: Record<string, string>,
  ctx: StageContext,
): Promise<void> {
  const cli = ctx.devcontainer.cli(ctx.env);
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
    await ctx.devcontainer.installFeatures({
      cli,
      workspaceFolder: workspace,
      configPath,
      imageName: imageRef,
      labels,
      dockerPath: ctx.client.path,
      env: ctx.client.env,
      omitSyntaxDirective: true,
      featureKeys,
      noBuildContexts: ((await ctx.devcontainer.engineMajor(ctx.client.argv, ctx.client.env)) ?? 0) < 23,
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
  if (await hasStage(ctx, stage.imageRef, stage.fingerprint)) return;
  const base = await ctx.devcontainer.imageConfig(ctx.client, baseRef);
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
  const cli = ctx.devcontainer.cli(ctx.env);
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
