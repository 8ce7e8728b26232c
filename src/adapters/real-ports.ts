/**
 * The real ports of a run (app/ports.ts): the engine of the selected endpoint/context, the
 * docker client detected on first use, the compose found, the state dir on disk. Built once per
 * command by the CLI's runtime.ts and per call by app/library.ts. Nothing is resolved or spawned here:
 * each port does its work when a use case first calls it.
 */
import type { RegistryLocation } from "../core/registry/registry-ref.js";
import type { ProgressReporter } from "../report/progress/reporter.js";
import { projectAccess } from "./project-access.js";
import { stateStore } from "./state/state-store.js";
import { runBuild } from "./engine/build.js";
import { dockerClient } from "./engine/client.js";
import { detectCompose, requireCompose } from "./engine/compose-cli.js";
import { endpointFor, getEngine } from "./engine/index.js";
import type { Engine } from "./engine/engine-types.js";
import { VolumeTransfer } from "./volumes/volume-transfer.js";
import { exportVolume, importVolume } from "./volumes/archive.js";
import { ensureVolumes } from "./volumes/ensure.js";
import { writeFixedFiles } from "./volumes/fix-writer.js";
import { inspectVolume } from "./volumes/inspect.js";
import { takeInventory } from "./volumes/inventory.js";
import { pruneVolumes } from "./volumes/prune.js";
import { lookupAll, lookupFingerprint } from "./registry/lookup.js";
import { RegistryClient } from "./registry/registry-client.js";
import { pullBaked, pushBaked } from "./registry/transfer.js";
import { HistoryStore } from "./history/history-store.js";
import { runProcess } from "./process-runner.js";
import { openProjectSession } from "./state/project-session.js";
// the devcontainer, fingerprint, lint-target and bundle ports
import { fingerprintServices } from "./fs/fingerprint-services.js";
import { FsFingerprintIo } from "./fs/context-hasher.js";
import { engineMajor, findDevcontainerCli, installFeatures, resolveFeatureLock } from "./devcontainer/cli.js";
import { imageConfig, tagImage } from "./devcontainer/image-config.js";
import {
  generatedConfigProblem,
  removeGeneratedConfig,
  writeGeneratedConfig,
} from "./bake/devcontainer-config.js";
import { modelTargets, searchedTargets } from "./lint-targets.js";
import {
  cacheMountsOf,
  checkCacheMountsReachable,
  exportCacheMount,
  importCacheMount,
} from "./bundle/cache-mounts.js";
import { loadImages, packTar, saveImages, unpackTar } from "./bundle/bundle-files.js";
import { readManifest, sha256File, verifyMembers } from "./bundle/manifest.js";

export interface RealPortsOptions {
  env: NodeJS.ProcessEnv;
  /** docker context for every engine call */
  context?: string;
  reporter: ProgressReporter;
  log: (line: string) => void;
}

// The return type is inferred on purpose: adapters may not import app/ports.ts, and the callers
// assign the result to `Ports`, so the compiler checks that the two agree.
export function realPorts(options: RealPortsOptions) {
  const selection = { env: options.env, ...(options.context ? { context: options.context } : {}) };
  let engine: Engine | undefined;
  return {
    // resolved on first use: commands that never talk to an engine (lint, completion) pay
    // nothing, and an unknown --context fails only where an engine is needed
    get engine(): Engine {
      engine ??= getEngine(selection);
      return engine;
    },
    project: projectAccess,
    volumeTransfer: (signal?: AbortSignal) => new VolumeTransfer(endpointFor(selection), options.env, signal),
    volumes: {
      inventory: takeInventory,
      ensure: ensureVolumes,
      inspect: inspectVolume,
      prune: pruneVolumes,
      exportTar: exportVolume,
      importTar: importVolume,
      writeFixes: writeFixedFiles,
    },
    registry: {
      open: (location: RegistryLocation, env: NodeJS.ProcessEnv) => new RegistryClient(location, { env }),
      lookup: lookupFingerprint,
      lookupAll,
      pull: pullBaked,
      push: pushBaked,
    },
    builds: {
      client: () => dockerClient(selection),
      build: runBuild,
    },
    compose: {
      detect: () => detectCompose({ env: options.env }),
      require: () => requireCompose({ env: options.env }),
      run: async (
        compose: { argv: string[]; env: NodeJS.ProcessEnv },
        args: string[],
        run: { cwd?: string; signal?: AbortSignal; onStderrLine?: (line: string) => void },
      ): Promise<void> => {
        await runProcess([...compose.argv, ...args], { env: { ...compose.env }, ...run });
      },
    },
    state: {
      ...stateStore,
      openSession: openProjectSession,
      history: (stateDir: string) => new HistoryStore(stateDir),
    },
    fingerprints: { services: fingerprintServices, io: () => new FsFingerprintIo() },
    devcontainer: {
      cli: findDevcontainerCli,
      resolveFeatureLock,
      installFeatures,
      engineMajor: (argv: string[], env: NodeJS.ProcessEnv) => engineMajor(argv, env),
      imageConfig,
      tag: tagImage,
      writeConfig: writeGeneratedConfig,
      configProblem: generatedConfigProblem,
      removeConfig: removeGeneratedConfig,
    },
    lintTargets: { ofModel: modelTargets, search: searchedTargets },
    bundles: {
      cacheMounts: cacheMountsOf,
      checkCacheMounts: checkCacheMountsReachable,
      exportCacheMount,
      importCacheMount,
      saveImages,
      loadImages,
      pack: packTar,
      unpack: unpackTar,
      sha256: (file: string) => sha256File(file),
      readManifest,
      verifyMembers,
    },
    reporter: options.reporter,
    log: options.log,
  };
}
