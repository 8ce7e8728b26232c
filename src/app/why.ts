/**
 * `kiln why [SERVICE...]` (#15.3): per service, what differs between its current inputs and
 * those of the pinned (else the last built) image, and which Dockerfile instruction's cache
 * will miss first — with the count of steps that will run again.
 */
import type { FingerprintManifest } from "../core/fingerprint/index.js";
import type { InputDiff } from "../core/why/input-diff.js";
import { normalizeImageRef } from "../core/fingerprint/index.js";
import { checkSelection } from "../core/plan/plan.js";
import { CONTENT_TAG_PREFIX, imageTag } from "../core/image-ref.js";
import { diffIsEmpty, diffSize, inputDiff } from "../core/why/input-diff.js";
import { firstMiss } from "../core/why/first-miss.js";
import { ignoreSuggestions } from "../core/why/ignore-suggestions.js";
import type { RegistryWhy, ServiceWhy, WhyReport } from "../core/why/why-report.js";
import { KilnError } from "../core/errors.js";
import { LABEL, contentTag } from "../core/image-ref.js";
import { chooseRegistry, LATEST_TAG, registryRepository } from "../core/registry/registry-ref.js";
import type { RegistryReader } from "../adapters/registry/registry-client.js";

export type { ServiceWhy, WhyReport, WhyState } from "../core/why/why-report.js";
import type { HistoryStore } from "../adapters/history/history-store.js";
import type { Ports } from "./ports.js";
import type { ProjectRequest } from "./request.js";
import { projectStatus, type StatusPorts } from "./status.js";

export async function whyProject(
  globals: ProjectRequest,
  env: NodeJS.ProcessEnv,
  selected: string[],
  ports: StatusPorts & Pick<Ports, "registry">,
  options: { registry?: string } = {},
): Promise<WhyReport> {
  const status = await projectStatus(globals, env, ports);
  const model = status.opened.model;
  checkSelection(model, selected);
  const history = ports.state.history(status.opened.stateDir);
  const location = chooseRegistry(options.registry, env, model.extensions);
  const client = location ? ports.registry.open(location, env) : undefined;
  let registryError: string | undefined;
  const serviceImages = Object.fromEntries(
    model.services.map((s) => [normalizeImageRef(s.imageName), s.name]),
  );
  const out: ServiceWhy[] = [];
  for (const s of status.services) {
    if (selected.length > 0 && !selected.includes(s.name)) continue;
    const current = status.manifests.get(s.name);
    if (!current) continue;
    const svc = model.services.find((x) => x.name === s.name);
    const suggestions = svc ? ignoreSuggestions(model, svc, current) : [];
    let registry: RegistryWhy | undefined;
    if (client) {
      registry = registryError
        ? { name: client.name, current: false, error: registryError }
        : await registryWhy(client, history, s.name, current);
      registryError ??= registry.error;
    }
    const base = {
      service: s.name,
      fingerprint: current.hash,
      ...(current.reads ? { reads: current.reads } : {}),
      ...(suggestions.length > 0 ? { suggestions } : {}),
      ...(registry ? { registry } : {}),
    };
    const previous = previousManifest(history, s.name, s.state === "stale" ? s.image : undefined);
    if (previous?.manifest.hash === current.hash || (s.state === "baked" && !previous)) {
      out.push({ ...base, state: "fresh" });
      continue;
    }
    if (!previous) {
      out.push({ ...base, state: "no-previous" });
      continue;
    }
    const changes = inputDiff(previous.manifest, current);
    const build = model.services.find((x) => x.name === s.name)?.build;
    const miss =
      current.dockerfileText === undefined
        ? undefined
        : firstMiss({
            dockerfile: current.dockerfileText,
            ...(previous.manifest.dockerfileText !== undefined
              ? { previousDockerfile: previous.manifest.dockerfileText }
              : {}),
            diff: changes,
            args: current.args,
            ...(build?.target ? { target: build.target } : {}),
            serviceImages,
          });
    out.push({
      ...base,
      state: diffIsEmpty(changes) && s.state === "baked" ? "fresh" : "stale",
      previous: { fingerprint: previous.manifest.hash, from: previous.from },
      changes,
      ...(miss ? { miss } : {}),
    });
  }
  return { project: model.name, services: out };
}

function previousManifest(
  history: HistoryStore,
  service: string,
  pinnedImage: string | undefined,
): { manifest: FingerprintManifest; from: "pin" | "last-build" } | undefined {
  const tag = pinnedImage ? imageTag(pinnedImage) : undefined;
  if (tag?.startsWith(CONTENT_TAG_PREFIX)) {
    const pinned = history.manifestByPrefix<FingerprintManifest>(tag.slice(CONTENT_TAG_PREFIX.length));
    if (pinned) return { manifest: pinned, from: "pin" };
  }
  const last = history.service(service).lastFingerprint;
  const manifest = last ? history.manifest<FingerprintManifest>(last) : undefined;
  return manifest ? { manifest, from: "last-build" } : undefined;
}

/**
 * What the registry holds for a service: the current content tag when its image carries the
 * current fingerprint; else, among its content tags whose manifest kiln's history has, the one
 * whose inputs differ least from the current ones (its image's label confirming the fingerprint);
 * else the fingerprint of kiln-latest (the last push), with how the current inputs differ from it
 * when the history has its manifest.
 */
async function registryWhy(
  client: RegistryReader,
  history: HistoryStore,
  service: string,
  current: FingerprintManifest,
): Promise<RegistryWhy> {
  const repo = registryRepository(client.location, service);
  const name = client.name;
  try {
    const tag = contentTag(current.hash);
    const own = await client.tagImage(repo, tag);
    if (own?.labels[LABEL.fingerprint] === current.hash)
      return { name, tag, fingerprint: current.hash, current: true };
    const closest = await closestContentTag(client, history, repo, current);
    if (closest) return { name, current: false, ...closest };
    const latest = await client.tagImage(repo, LATEST_TAG);
    if (!latest) return { name, current: false };
    const fingerprint = latest.labels[LABEL.fingerprint];
    if (!fingerprint) return { name, tag: LATEST_TAG, current: false };
    if (fingerprint === current.hash) return { name, tag: LATEST_TAG, fingerprint, current: true };
    const theirs = history.manifest<FingerprintManifest>(fingerprint);
    return {
      name,
      tag: LATEST_TAG,
      fingerprint,
      current: false,
      ...(theirs ? { changes: inputDiff(theirs, current) } : {}),
    };
  } catch (error: unknown) {
    return {
      name,
      current: false,
      error: error instanceof KilnError ? error.message : String(error),
    };
  }
}

async function closestContentTag(
  client: RegistryReader,
  history: HistoryStore,
  repo: string,
  current: FingerprintManifest,
): Promise<{ tag: string; fingerprint: string; changes: InputDiff } | undefined> {
  const known: { tag: string; manifest: FingerprintManifest; changes: InputDiff }[] = [];
  for (const tag of await client.tags(repo)) {
    if (!tag.startsWith(CONTENT_TAG_PREFIX) || tag === LATEST_TAG) continue;
    const manifest = history.manifestByPrefix<FingerprintManifest>(tag.slice(CONTENT_TAG_PREFIX.length));
    if (manifest) known.push({ tag, manifest, changes: inputDiff(manifest, current) });
  }
  known.sort((a, b) => diffSize(a.changes) - diffSize(b.changes) || a.tag.localeCompare(b.tag));
  for (const k of known) {
    const img = await client.tagImage(repo, k.tag);
    if (img?.labels[LABEL.fingerprint] === k.manifest.hash)
      return { tag: k.tag, fingerprint: k.manifest.hash, changes: k.changes };
  }
  return undefined;
}
