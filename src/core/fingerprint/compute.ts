/**
 * Fingerprints of buildable services: everything their image is built from (Dockerfile, the
 * context files Docker sends, args, target, platforms, additional contexts, base image IDs, and
 * the fingerprints of other services whose images they build FROM). Services sharing a context
 * and ignore file walk it once.
 */
import path from "node:path";
import { KilnError } from "../errors.js";
import { baseImagesOf } from "./base-images.js";
import { contextReads, ReadSet, type ContextReads } from "./build-reads.js";
import { fingerprintArgs } from "./build-args.js";
import { canonicalHash, canonicalJson, sha256 } from "./canonical-hash.js";
import { ExcludeMatcher, readIgnoreLines, type ContextDialect } from "./dockerignore-patterns.js";
import { normalizeImageRef } from "../image-ref.js";
import { orderServices } from "./service-order.js";
import type {
  ContextDigest,
  FingerprintDeps,
  FingerprintInput,
  FingerprintIo,
  FingerprintManifest,
} from "./fingerprint-types.js";

interface Prepared {
  input: FingerprintInput;
  dockerfileText?: string;
  baseImages: string[];
  /** what the Dockerfile reads from the context */
  reads: ContextReads;
  /** services (among the inputs) whose images this one needs */
  needs: string[];
}

export async function computeFingerprints(
  inputs: FingerprintInput[],
  deps: FingerprintDeps,
): Promise<Map<string, FingerprintManifest>> {
  const byImage = new Map<string, string>();
  const inputNames = new Set(inputs.map((i) => i.service));
  for (const [service, image] of Object.entries(deps.serviceImageNames)) {
    if (inputNames.has(service)) byImage.set(normalizeImageRef(image), service);
  }
  const prepared = new Map<string, Prepared>();
  for (const input of inputs) prepared.set(input.service, prepare(input, deps.io, byImage, inputNames));
  const order = orderServices(
    inputs.map((i) => i.service),
    new Map([...prepared].map(([name, p]) => [name, p.needs])),
  );

  const contexts = new Map<string, ContextDigest>();
  const imageIds = new Map<string, Promise<string | undefined>>();
  const imageId = (ref: string): Promise<string | undefined> => {
    let id = imageIds.get(ref);
    if (id === undefined) {
      id = deps.resolveImageId(ref);
      imageIds.set(ref, id);
    }
    return id;
  };
  // ask the engine about every base image now: its answers arrive while the contexts are walked
  for (const p of prepared.values()) {
    for (const ref of p.baseImages) {
      if (!byImage.has(normalizeImageRef(ref))) imageId(ref).catch(() => undefined);
    }
  }
  // each context's ignore file is read once (the walk ahead and the service's turn both ask)
  const ignores = new Map<string, { path: string; text: string } | undefined>();
  // memoised by everything that decides a digest; the dialect matters only with an ignore file
  const digestWith = (
    dialect: ContextDialect | undefined,
    dir: string,
    dockerfile: string | undefined,
    reads?: ReadSet,
  ): ContextDigest => {
    if (reads && reads.sources.length === 0) return NOTHING_READ;
    const ignoreKey = `${dir}\0${dockerfile ?? ""}`;
    let ignore = ignores.get(ignoreKey);
    if (!ignores.has(ignoreKey)) {
      ignore = ignoreFileFor(dir, dockerfile, deps.io);
      ignores.set(ignoreKey, ignore);
    }
    const key = `${dir}\0${ignore ? `${ignore.path}\0${dialect === "legacy" ? "legacy" : ""}` : ""}\0${reads ? `r${reads.key}` : "all"}`;
    let digest = contexts.get(key);
    if (digest === undefined) {
      const matcher = ignore
        ? new ExcludeMatcher(readIgnoreLines(ignore.text), ignore.path, dialect)
        : undefined;
      digest = deps.io.hashContext(dir, matcher, reads);
      contexts.set(key, digest);
    }
    return digest;
  };
  // Walk the contexts now, while the engine answers the questions asked above (a walk is
  // synchronous: the answers wait in the socket meanwhile): as each Dockerfile reads its context,
  // under BuildKit's ignore rules — what the loop below asks for unless an answer changes it (a
  // base image that is not local or runs ONBUILD triggers, the legacy client's rules); then it
  // walks again. A failure here is left to the loop, which meets it again if it matters.
  await requestsSent();
  for (const name of order) {
    const { build } = prepared.get(name)!.input;
    if (build.contextIsRemote) continue;
    const sources = prepared.get(name)!.reads.sources;
    try {
      digestWith(undefined, build.context, build.dockerfile, sources ? new ReadSet(sources) : undefined);
    } catch {
      // the loop below decides whether this walk was needed at all
    }
  }
  const contextDialect = await deps.contextDialect;
  const digestOf = (dir: string, dockerfile: string | undefined, reads?: ReadSet): ContextDigest =>
    digestWith(contextDialect, dir, dockerfile, reads);

  const result = new Map<string, FingerprintManifest>();
  for (const name of order) {
    const p = prepared.get(name)!;
    const { build } = p.input;
    const baseImages: Record<string, string | null> = {};
    const dependsOnServices: Record<string, string> = {};
    for (const ref of p.baseImages) {
      const service = byImage.get(normalizeImageRef(ref));
      if (service !== undefined && service !== name) dependsOnServices[service] = result.get(service)!.hash;
      else baseImages[ref] = (await imageId(ref)) ?? null;
    }
    const additionalContexts: Record<string, string> = {};
    for (const [ctxName, value] of Object.entries(build.additionalContexts)) {
      if (value.startsWith("service:")) {
        const service = value.slice("service:".length);
        const dep = result.get(service);
        if (dep) dependsOnServices[service] = dep.hash;
        additionalContexts[ctxName] = value;
      } else if (value.startsWith("docker-image://")) {
        const ref = value.slice("docker-image://".length);
        baseImages[ref] = (await imageId(ref)) ?? null;
        additionalContexts[ctxName] = value;
      } else if (path.isAbsolute(value) && deps.io.isDirectory(value)) {
        additionalContexts[ctxName] = `dir:${digestOf(value, undefined).digest}`;
      } else {
        additionalContexts[ctxName] = value;
      }
    }
    let reads = await narrowReads(p, baseImages, dependsOnServices, prepared, deps);
    let context: ContextDigest | undefined;
    if (!build.contextIsRemote) {
      context = digestOf(
        build.context,
        build.dockerfile,
        reads.sources ? new ReadSet(reads.sources) : undefined,
      );
      if (context.symlink !== undefined) {
        reads = { whole: [`symlink ${context.symlink} on a path the build reads`] };
        context = digestOf(build.context, build.dockerfile);
      }
    }
    const declared = declaredInputs(p.input);
    const fields: Omit<FingerprintManifest, "hash" | "files"> = {
      version: 1,
      dockerfile:
        p.dockerfileText === undefined
          ? `remote:${build.dockerfile ?? "Dockerfile"}`
          : sha256(p.dockerfileText),
      args: declared.args,
      ...(declared.target !== undefined ? { target: declared.target } : {}),
      platforms: declared.platforms,
      additionalContexts,
      baseImages,
      dependsOnServices,
      ...(declared.labels !== undefined ? { labels: declared.labels } : {}),
      ...(build.contextIsRemote ? { remoteContext: build.context } : {}),
    };
    // the files enter the hash through their (shared, precomputed) digest
    const hash = canonicalHash({ ...fields, files: context?.digest ?? null });
    result.set(
      name,
      withFiles(
        {
          ...fields,
          hash,
          reads,
          ...(p.dockerfileText !== undefined ? { dockerfileText: p.dockerfileText } : {}),
        },
        context,
      ),
    );
  }
  return result;
}

/** the inputs of a fingerprint the compose model alone decides: args, target, platforms, labels */
type DeclaredInputs = Pick<FingerprintManifest, "args" | "target" | "platforms" | "labels">;

function declaredInputs(input: Pick<FingerprintInput, "build" | "platform">): DeclaredInputs {
  const { build } = input;
  return {
    args: fingerprintArgs(build.args),
    ...(build.target ? { target: build.target } : {}),
    platforms: [...new Set([...build.platforms, ...(input.platform ? [input.platform] : [])])].sort(),
    ...(Object.keys(build.labels).length > 0 ? { labels: build.labels } : {}),
  };
}

/**
 * A key of the inputs the compose model alone decides (no file read, no engine asked): when a
 * service's differs from its last build's (`manifestInputsKey`), its fingerprint differs too —
 * known before any context is walked.
 */
export function declaredInputsKey(input: Pick<FingerprintInput, "build" | "platform">): string {
  return canonicalJson(declaredInputs(input));
}

/** the same key, of a fingerprint's manifest */
export function manifestInputsKey(manifest: DeclaredInputs): string {
  const { args, target, platforms, labels } = manifest;
  return canonicalJson({
    args,
    ...(target !== undefined ? { target } : {}),
    platforms,
    ...(labels !== undefined ? { labels } : {}),
  });
}

/**
 * Resolves once the requests made so far are on their sockets: a socket connects, and writes what
 * was queued for it, in the event loop's pending phase of the turn after the one that opened it —
 * the second immediate runs after that phase.
 */
export function requestsSent(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

/** the digest of no files: sha256("") — written out, not computed while the bundle loads */
const NOTHING_READ: ContextDigest = {
  files: {},
  digest: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
};

/**
 * The Dockerfile's reads, widened to the whole context when a base image may run ONBUILD
 * triggers: one that is not local (unknown), one that has them, or another service's image
 * whose Dockerfile declares them.
 */
async function narrowReads(
  p: Prepared,
  baseImages: Record<string, string | null>,
  dependsOnServices: Record<string, string>,
  prepared: Map<string, Prepared>,
  deps: FingerprintDeps,
): Promise<ContextReads> {
  if (!p.reads.sources) return p.reads;
  const whole: string[] = [];
  for (const [ref, id] of Object.entries(baseImages)) {
    if (id === null) whole.push(`base image ${ref} is not on the engine (its ONBUILD triggers are unknown)`);
    else if (deps.hasOnBuild && (await deps.hasOnBuild(ref)))
      whole.push(`base image ${ref} has ONBUILD triggers`);
  }
  for (const service of Object.keys(dependsOnServices)) {
    const text = prepared.get(service)?.dockerfileText;
    if (text === undefined || /^\s*onbuild\s/im.test(text))
      whole.push(`service ${service}'s image may have ONBUILD triggers`);
  }
  return whole.length > 0 ? { whole } : p.reads;
}

/**
 * The manifest with its `files` read from the context digest on first access: an enumerable
 * getter, so JSON.stringify and spreads see a plain record, while a run that only compares
 * hashes never builds it.
 */
function withFiles(
  manifest: Omit<FingerprintManifest, "files">,
  context: ContextDigest | undefined,
): FingerprintManifest {
  const out = manifest as FingerprintManifest;
  if (context === undefined) out.files = {};
  else
    Object.defineProperty(out, "files", { enumerable: true, configurable: true, get: () => context.files });
  return out;
}

function prepare(
  input: FingerprintInput,
  io: FingerprintIo,
  byImage: Map<string, string>,
  inputNames: Set<string>,
): Prepared {
  const { build } = input;
  if (!build.contextIsRemote && !io.isDirectory(build.context)) {
    throw new KilnError(
      "ERR_KILN_CONTEXT_MISSING",
      `service "${input.service}": build context ${build.context} is not a directory`,
      {
        hint: "fix `build.context` in the compose file (relative paths resolve against the compose file's folder)",
      },
    );
  }
  let dockerfileText: string | undefined;
  if (build.dockerfileInline !== undefined) dockerfileText = build.dockerfileInline;
  else if (!build.contextIsRemote) {
    const file = build.dockerfile ?? path.join(build.context, "Dockerfile");
    const bytes = io.readFile(file);
    if (bytes === undefined) {
      throw new KilnError(
        "ERR_KILN_DOCKERFILE_MISSING",
        `service "${input.service}": Dockerfile ${file} does not exist`,
        {
          hint: "fix `build.dockerfile` (it is relative to the build context) or create the file",
        },
      );
    }
    dockerfileText = bytes.toString("utf8");
  }
  const reads: ContextReads =
    dockerfileText === undefined
      ? { whole: ["the Dockerfile is remote"] }
      : contextReads(dockerfileText, {
          args: build.args,
          ...(build.target ? { target: build.target } : {}),
        });
  const baseImages =
    input.baseImages ??
    (dockerfileText === undefined ? [] : baseImagesOf(dockerfileText, build.args, input.platform));
  const needs = new Set<string>();
  for (const ref of baseImages) {
    const service = byImage.get(normalizeImageRef(ref));
    if (service !== undefined && service !== input.service) needs.add(service);
  }
  for (const value of Object.values(build.additionalContexts)) {
    const service = value.startsWith("service:") ? value.slice("service:".length) : undefined;
    if (service !== undefined && inputNames.has(service)) needs.add(service);
  }
  return { input, dockerfileText, baseImages, reads, needs: [...needs] };
}

/** `<Dockerfile>.dockerignore` next to the Dockerfile wins over the context's `.dockerignore`. */
function ignoreFileFor(
  context: string,
  dockerfile: string | undefined,
  io: FingerprintIo,
): { path: string; text: string } | undefined {
  const candidates = [
    ...(dockerfile ? [`${dockerfile}.dockerignore`] : []),
    path.join(context, ".dockerignore"),
  ];
  for (const candidate of candidates) {
    const bytes = io.readFile(candidate);
    if (bytes !== undefined) return { path: candidate, text: bytes.toString("utf8") };
  }
  return undefined;
}
