/**
 * The fingerprints of buildable services, computed on the real filesystem with the persisted
 * stat cache (see src/core/fingerprint for the rules).
 */
import {
  computeFingerprints,
  type ContextDialect,
  type FingerprintInput,
  type FingerprintManifest,
} from "../../core/fingerprint/index.js";
import { FsFingerprintIo } from "./context-hasher.js";

export interface FingerprintServicesDeps {
  /** the local image ID of a ref, undefined when it is not local */
  resolveImageId(ref: string): Promise<string | undefined>;
  /** whether a local image carries ONBUILD triggers */
  hasOnBuild?(ref: string): Promise<boolean>;
  /** service → the image name it is tagged with (to detect FROM another service's image) */
  serviceImageNames: Record<string, string>;
  /** the stat cache file (in kiln's state dir); none = no cache persisted */
  cacheFile?: string;
  /** absolute paths never part of a context: kiln's own files */
  excludePaths?: string[];
  /** absolute path → content hashed instead of the file on disk (a pinned compose file's original) */
  overrideContents?: Record<string, string | Buffer>;
  /** "legacy" when builds go through the Docker 20.10 client with DOCKER_BUILDKIT=1 (default "buildkit") */
  contextDialect?: ContextDialect | Promise<ContextDialect | undefined>;
}

export async function fingerprintServices(
  inputs: FingerprintInput[],
  deps: FingerprintServicesDeps,
): Promise<Map<string, FingerprintManifest>> {
  const io = new FsFingerprintIo({
    cacheFile: deps.cacheFile,
    excludePaths: deps.excludePaths,
    overrideContents: deps.overrideContents,
  });
  const result = await computeFingerprints(inputs, {
    io,
    resolveImageId: (ref) => deps.resolveImageId(ref),
    ...(deps.hasOnBuild ? { hasOnBuild: deps.hasOnBuild.bind(deps) } : {}),
    serviceImageNames: deps.serviceImageNames,
    contextDialect: deps.contextDialect,
  });
  io.flush();
  return result;
}
