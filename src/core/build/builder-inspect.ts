/**
 * A buildx builder as `docker buildx inspect NAME` describes it (every buildx version prints
 * the same `Key: value` lines; `buildx ls --format json` only exists from 0.13). Pure: the
 * adapter runs the command, this reads its answer and decides what kiln can do with it.
 */

export interface BuilderNode {
  name: string;
  /** a docker context name (docker driver) or an engine address (docker-container, remote) */
  endpoint: string;
  /** running | inactive | stopped | error … */
  status: string;
  driverOptions: Record<string, string>;
}

export interface BuilderInfo {
  name: string;
  /** docker | docker-container | kubernetes | remote */
  driver: string;
  nodes: BuilderNode[];
}

/** what the docker-container driver runs when no `--driver-opt image=` was given (buildx's default) */
export const DEFAULT_BUILDKIT_IMAGE = "moby/buildkit:buildx-stable-1";

function driverOptions(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  // `image="moby/buildkit:v0.12" network="host"` (quoted since buildx 0.11) or `image=…` bare
  for (const m of value.matchAll(/([\w.-]+)=(?:"((?:[^"\\]|\\.)*)"|(\S+))/g)) {
    const key = m[1];
    if (key !== undefined) out[key] = m[2] ?? m[3] ?? "";
  }
  return out;
}

export function parseBuilderInspect(text: string): BuilderInfo {
  const info: BuilderInfo = { name: "", driver: "", nodes: [] };
  let node: BuilderNode | undefined;
  let inNodes = false;
  for (const line of text.split("\n")) {
    const m = /^([A-Za-z][A-Za-z ]*?):\s*(.*)$/.exec(line.trimEnd());
    if (!m) continue;
    const key = m[1] ?? "";
    const value = (m[2] ?? "").trim();
    if (key === "Nodes") {
      inNodes = true;
      continue;
    }
    if (!inNodes) {
      if (key === "Name") info.name = value;
      else if (key === "Driver") info.driver = value;
      continue;
    }
    if (key === "Name") {
      node = { name: value, endpoint: "", status: "", driverOptions: {} };
      info.nodes.push(node);
    } else if (node && key === "Endpoint") node.endpoint = value;
    else if (node && key === "Status") node.status = value;
    else if (node && key === "Driver Options") node.driverOptions = driverOptions(value);
  }
  return info;
}

/** the BuildKit image a docker-container node needs, when its container does not run yet */
export function buildkitImageNeeded(info: BuilderInfo, node: BuilderNode): string | undefined {
  if (info.driver !== "docker-container" || node.status === "running") return undefined;
  return node.driverOptions.image ?? DEFAULT_BUILDKIT_IMAGE;
}

/**
 * A docker-driver builder is a docker context: its one node's endpoint is the context name.
 * Building there loads the image into that context's engine, so kiln reads images there too.
 * undefined: the builder uses the engine kiln already talks to (or is not a docker driver).
 */
export function dockerDriverContext(info: BuilderInfo): string | undefined {
  if (info.driver !== "docker") return undefined;
  const endpoint = info.nodes[0]?.endpoint;
  if (!endpoint || endpoint === "default" || /^[a-z]+:\/\//.test(endpoint)) return undefined;
  return endpoint;
}

/** builds on this builder see the engine's local images (FROM a local or a baked image) */
export function seesEngineImages(info: BuilderInfo): boolean {
  return info.driver === "docker";
}
