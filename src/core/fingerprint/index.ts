/**
 * Content fingerprints of buildable services. The filesystem comes in through FingerprintIo;
 * `fingerprintServices` (the file-system adapter's fingerprint-services.ts) wires the real one.
 */
export type {
  ContextDigest,
  ContextFiles,
  FingerprintDeps,
  FingerprintInput,
  FingerprintIo,
  FingerprintManifest,
} from "./fingerprint-types.js";
export { computeFingerprints } from "./compute.js";
export { inputChanges, type InputChange, type ChangeVerb } from "./explain.js";
export { baseImagesOf, expandVars } from "./base-images.js";
export { fingerprintArgs, isProxyArg } from "./build-args.js";
export { ExcludeMatcher, readIgnoreLines, cleanPath, type ContextDialect } from "./dockerignore-patterns.js";
export { normalizeImageRef } from "../image-ref.js";
