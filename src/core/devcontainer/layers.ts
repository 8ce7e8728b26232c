/**
 * What a devcontainer service's baked image is made of beyond the service's own build: the
 * Features layer (installed by the Dev Containers CLI) and the UID layer (the CLI's
 * updateUID.Dockerfile for the local user). Each stage gets its own fingerprint, chained from
 * the service's, so a changed Feature file rebuilds the Features stage and the UID stage, never
 * the service; the UID stage's inputs are local (this machine's UID/GID), the Features stage's
 * are not — the Features image is the one a team can share.
 */
import { canonicalHash } from "../fingerprint/canonical-hash.js";

export interface FeatureFingerprint {
  key: string;
  options: unknown;
  /** local: path → `<mode>:<hash>` of every file of the Feature's folder */
  files?: Record<string, string>;
  /** OCI: the digest from devcontainer-lock.json, or the reference as written (unresolved) */
  digest?: string;
}

export interface FeaturesLayer {
  /** the CLI that installs them (its version shapes the generated Dockerfile) */
  cli: string;
  features: FeatureFingerprint[];
  /** the install order kiln computed (the CLI's rule) */
  order: string[];
  overrideFeatureInstallOrder: string[];
  /** the config properties Feature installation reads (_REMOTE_USER, _CONTAINER_USER) */
  remoteUser?: string;
  containerUser?: string;
  /** devcontainer.json's containerEnv: the CLI writes it into the Features image */
  containerEnv?: Record<string, string>;
}

export interface UidLayer {
  uid: number;
  gid: number;
  remoteUser?: string;
  containerUser?: string;
  serviceUser?: string;
}

export interface DevcontainerLayers {
  /** the fingerprint of the service's own build (its image is the base of the stages) */
  serviceHash: string;
  features?: FeaturesLayer;
  uid?: UidLayer;
}

export interface StageHashes {
  features?: string;
  uid?: string;
  /** the last stage's hash: the image that is pinned */
  final: string;
}

export function stageHashes(layers: DevcontainerLayers): StageHashes {
  let last = layers.serviceHash;
  const out: StageHashes = { final: last };
  if (layers.features) {
    last = canonicalHash({ stage: "features", from: last, layer: layers.features });
    out.features = last;
  }
  if (layers.uid) {
    last = canonicalHash({ stage: "uid", from: last, layer: layers.uid });
    out.uid = last;
  }
  out.final = last;
  return out;
}

/**
 * Whether the CLI would build its UID layer at `devcontainer up` (src/spec-node/containerFeatures.ts,
 * getRemoteUserUIDUpdateDetails): Linux, `updateRemoteUserUID` not false, a remote user that is
 * neither root nor numeric. `undefined` user = not known before the image exists (the image's USER).
 */
export function uidLayerWanted(input: {
  platform: string;
  updateRemoteUserUID: unknown;
  remoteUser: string | undefined;
}): boolean {
  if (input.platform !== "linux" || input.updateRemoteUserUID === false) return false;
  const user = input.remoteUser;
  return user !== undefined && user !== "root" && !/^\d+$/.test(user);
}

/** what changed between two stacks of layers, naming the Feature and file */
export function explainLayers(
  prev: DevcontainerLayers | undefined,
  cur: DevcontainerLayers | undefined,
): string[] {
  if (!prev && !cur) return [];
  if (!prev) return ["Features / UID layer added"];
  if (!cur) return ["Features / UID layer removed"];
  const out: string[] = [];
  const pf = prev.features;
  const cf = cur.features;
  if (!pf && cf) out.push(`Features added (${cf.features.map((f) => f.key).join(", ")})`);
  else if (pf && !cf) out.push("Features removed");
  else if (pf && cf) {
    if (pf.cli !== cf.cli) out.push(`Dev Containers CLI changed (${pf.cli} → ${cf.cli})`);
    for (const f of cf.features) {
      const old = pf.features.find((p) => p.key === f.key);
      if (!old) {
        out.push(`Feature ${f.key} added`);
        continue;
      }
      const files = changedFiles(old.files ?? {}, f.files ?? {});
      if (files.length > 0) out.push(`Feature ${f.key}: ${files.slice(0, 3).join(", ")} changed`);
      if (JSON.stringify(old.options) !== JSON.stringify(f.options))
        out.push(`Feature ${f.key}: options changed`);
      if (old.digest !== f.digest) out.push(`Feature ${f.key}: digest changed`);
    }
    for (const p of pf.features) {
      if (!cf.features.some((f) => f.key === p.key)) out.push(`Feature ${p.key} removed`);
    }
    if (pf.order.join() !== cf.order.join()) out.push("Feature install order changed");
    if (pf.remoteUser !== cf.remoteUser || pf.containerUser !== cf.containerUser)
      out.push("remoteUser / containerUser changed");
    if (JSON.stringify(pf.containerEnv ?? {}) !== JSON.stringify(cf.containerEnv ?? {}))
      out.push("containerEnv changed");
  }
  if (JSON.stringify(prev.uid) !== JSON.stringify(cur.uid))
    out.push("UID layer changed (user or local UID/GID)");
  return out;
}

function changedFiles(a: Record<string, string>, b: Record<string, string>): string[] {
  const out = new Set<string>();
  for (const k of Object.keys(a)) if (a[k] !== b[k]) out.add(k);
  for (const k of Object.keys(b)) if (!(k in a)) out.add(k);
  return [...out].sort();
}
