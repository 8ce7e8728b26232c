/**
 * Registry credentials, read the way the docker CLI reads them: `$DOCKER_CONFIG/config.json`
 * (default `~/.docker/config.json`) — `credHelpers[host]`, else `credsStore`, else `auths[host].auth`.
 * kiln only reads them, keeps them in memory for the request, and never writes, logs or
 * records them anywhere.
 */
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runProcess, type ProcessRunner } from "../process-runner.js";

export interface Credentials {
  username: string;
  password: string;
}

interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
}

interface DockerConfigFile {
  auths?: Record<string, AuthEntry>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

export function dockerConfigPath(env: NodeJS.ProcessEnv): string {
  const dir = env.DOCKER_CONFIG ?? path.join(env.HOME ?? os.homedir(), ".docker");
  return path.join(dir, "config.json");
}

function readConfig(env: NodeJS.ProcessEnv): DockerConfigFile {
  try {
    return JSON.parse(readFileSync(dockerConfigPath(env), "utf8")) as DockerConfigFile;
  } catch {
    return {};
  }
}

/** `auths` keys may be written as `host`, `https://host` or `https://host/v1/` */
function authEntry(config: DockerConfigFile, host: string): AuthEntry | undefined {
  for (const [key, value] of Object.entries(config.auths ?? {})) {
    const bare = key.replace(/^https?:\/\//, "").replace(/\/.*$/, "");
    if (bare === host) return value;
  }
  return undefined;
}

async function fromHelper(
  helper: string,
  host: string,
  env: NodeJS.ProcessEnv,
  run: ProcessRunner,
): Promise<Credentials | undefined> {
  const r = await run([`docker-credential-${helper}`, "get"], {
    input: host,
    env,
    allowFailure: true,
    timeoutMs: 20_000,
  }).catch(() => undefined);
  if (!r || r.exitCode !== 0) return undefined;
  try {
    const c = JSON.parse(r.stdout) as { Username?: string; Secret?: string };
    if (!c.Username || c.Secret === undefined || c.Username === "<token>") return undefined;
    return { username: c.Username, password: c.Secret };
  } catch {
    return undefined;
  }
}

export async function credentialsFor(
  host: string,
  env: NodeJS.ProcessEnv,
  run: ProcessRunner = runProcess,
): Promise<Credentials | undefined> {
  const config = readConfig(env);
  const helper = config.credHelpers?.[host] ?? config.credsStore;
  if (helper) {
    const c = await fromHelper(helper, host, env, run);
    if (c) return c;
  }
  const entry = authEntry(config, host);
  if (!entry) return undefined;
  if (entry.auth) {
    const text = Buffer.from(entry.auth, "base64").toString("utf8");
    const colon = text.indexOf(":");
    if (colon > 0) return { username: text.slice(0, colon), password: text.slice(colon + 1) };
  }
  if (entry.username && entry.password !== undefined)
    return { username: entry.username, password: entry.password };
  return undefined;
}
