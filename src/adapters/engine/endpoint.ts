/**
 * Which engine the docker CLI would talk to, resolved the way the CLI does it — without
 * spawning it: DOCKER_HOST, else --context / DOCKER_CONTEXT / config.json's currentContext,
 * whose endpoint is in ~/.docker/contexts/meta/<sha256(name)>/meta.json.
 */
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { sha256Hex } from "../../core/digest.js";
import { KilnError } from "../../core/errors.js";

export interface Endpoint {
  /** e.g. unix:///var/run/docker.sock, tcp://127.0.0.1:2375, ssh://user@host */
  host: string;
  /** where it came from, for doctor and error messages */
  source: string;
  /** the docker context name to pass to the CLI, when one was selected */
  context?: string;
  tls: boolean;
}

export const DEFAULT_HOST = "unix:///var/run/docker.sock";

function configDir(env: NodeJS.ProcessEnv): string {
  return env.DOCKER_CONFIG ?? path.join(env.HOME ?? os.homedir(), ".docker");
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as unknown;
  } catch {
    return undefined;
  }
}

interface ContextMeta {
  Endpoints?: { docker?: { Host?: string; SkipTLSVerify?: boolean } };
}

export function resolveEndpoint(env: NodeJS.ProcessEnv, contextFlag?: string): Endpoint {
  if (contextFlag === undefined && env.DOCKER_HOST) {
    return { host: env.DOCKER_HOST, source: "DOCKER_HOST", tls: env.DOCKER_TLS_VERIFY === "1" };
  }
  const dir = configDir(env);
  const name =
    contextFlag ??
    env.DOCKER_CONTEXT ??
    ((readJson(path.join(dir, "config.json")) as { currentContext?: string } | undefined)?.currentContext ||
      undefined);
  if (name === undefined || name === "default") {
    return { host: DEFAULT_HOST, source: "default", tls: false };
  }
  const id = sha256Hex(name);
  const meta = readJson(path.join(dir, "contexts", "meta", id, "meta.json")) as ContextMeta | undefined;
  const host = meta?.Endpoints?.docker?.Host;
  if (!host) {
    throw new KilnError("ERR_KILN_ENGINE_UNREACHABLE", `docker context "${name}" does not exist`, {
      hint: "list contexts with `docker context ls`, or select one with `docker context use NAME`",
    });
  }
  const tlsDir = path.join(dir, "contexts", "tls", id, "docker");
  let tls = false;
  try {
    readFileSync(path.join(tlsDir, "ca.pem"));
    tls = true;
  } catch {
    tls = false;
  }
  return { host, source: `context ${name}`, context: name, tls };
}

/** Can kiln speak HTTP to this endpoint itself (fast path), or must it go through the CLI? */
export function directAddress(
  endpoint: Endpoint,
): { socketPath: string } | { host: string; port: number } | undefined {
  if (endpoint.tls) return undefined;
  if (endpoint.host.startsWith("unix://")) return { socketPath: endpoint.host.slice("unix://".length) };
  const tcp = /^tcp:\/\/([^:/]+)(?::(\d+))?\/?$/.exec(endpoint.host);
  if (tcp) return { host: tcp[1] ?? "127.0.0.1", port: Number(tcp[2] ?? 2375) };
  return undefined;
}
