/** The fingerprint contract: what a service's image is built from, as plain JSON-able data. */
import type { BuildSpec } from "../compose/model.js";
import type { ContextDialect, ExcludeMatcher } from "./dockerignore-patterns.js";
import type { ReadSet } from "./build-reads.js";
import type { DevcontainerLayers } from "../devcontainer/layers.js";

/** One buildable service. */
export interface FingerprintInput {
  service: string;
  build: BuildSpec;
  /** the service's `platform:` */
  platform?: string;
  /**
   * FROM refs of the Dockerfile, ARG-expanded; `scratch` and stage names left out. Computed
   * from the Dockerfile when omitted (see baseImagesOf).
   */
  baseImages?: string[];
}

/** Stored per fingerprint so that a later plan can say what changed. */
export interface FingerprintManifest {
  version: 1;
  /** sha256 hex of everything below; its first 12 characters make the tag `kiln-<12>` */
  hash: string;
  /** hash of the Dockerfile text (or dockerfile_inline), `# syntax=` line included */
  dockerfile: string;
  /** context-relative path → `<mode>:<content hash>` (file), `d<mode>` (dir), `l:<target>` (symlink) */
  files: Record<string, string>;
  /** resolved build args, proxy args left out; null = declared but unset */
  args: Record<string, string | null>;
  target?: string;
  /** build.platforms plus the service's `platform:`, sorted */
  platforms: string[];
  /** name → `dir:<hash>` of a local context, or the reference as written */
  additionalContexts: Record<string, string>;
  /** ref → local image ID, null when the image is not local */
  baseImages: Record<string, string | null>;
  /** service → its fingerprint hash, for a FROM (or `service:`) on another service's image */
  dependsOnServices: Record<string, string>;
  /** `build.labels`: they end up in the image config */
  labels?: Record<string, string>;
  /** the URL of a remote (git/https) context: its files are not walked */
  remoteContext?: string;
  /**
   * Not hashed (the Dockerfile's hash covers it): the context paths the build reads, or why the
   * whole context counts. `files` holds only what `sources` match.
   */
  reads?: { sources?: string[]; whole: string[] };
  /** not hashed: the Dockerfile text, so that `kiln why` can diff its lines later */
  dockerfileText?: string;
  /** a devcontainer service's Features / UID stages on top of its build; `hash` is then the last stage's */
  devcontainer?: DevcontainerLayers;
}

/** The files of one context as the BuildKit sender would transfer them. */
export type ContextFiles = Record<string, string>;

export interface ContextDigest {
  files: ContextFiles;
  /** a hash of `files`, equal for equal records whatever the order they were found in */
  digest: string;
  /** with a read set: the first symlink among the entries read (BuildKit follows it: kiln reads all) */
  symlink?: string;
}

/** The I/O the fingerprint needs; the file-system adapter implements it. */
export interface FingerprintIo {
  /** a file's bytes (or its override content); undefined when it does not exist */
  readFile(absPath: string): Buffer | undefined;
  isDirectory(absPath: string): boolean;
  /**
   * every entry the sender would transfer from `dir`, filtered by `matcher`; with `reads`, only
   * the entries it wants (directories it does not want are not entered)
   */
  hashContext(dir: string, matcher: ExcludeMatcher | undefined, reads?: ReadSet): ContextDigest;
}

export interface FingerprintDeps {
  io: FingerprintIo;
  /** the local image ID of a ref, undefined when it is not local */
  resolveImageId(ref: string): Promise<string | undefined>;
  /** whether a local base image carries ONBUILD triggers (they may read any context file) */
  hasOnBuild?(ref: string): Promise<boolean>;
  /** service → the image name it is tagged with (to detect FROM another service's image) */
  serviceImageNames: Record<string, string>;
  /**
   * whose sender walks the contexts: the buildx plugin (default) or the legacy 20.10 client; a
   * promise is awaited once the base images have been asked for, so both answers travel at once
   */
  contextDialect?: ContextDialect | Promise<ContextDialect | undefined>;
}
