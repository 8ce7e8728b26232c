/**
 * Where kiln keeps baked images in a registry, and the names it gives them there.
 *
 * `--registry HOST[:PORT]/PREFIX` (or KILN_REGISTRY, or `x-kiln.registry`) names a place; each
 * service's baked image lives at `HOST[:PORT]/PREFIX/<service>:kiln-<fingerprint prefix>`, and
 * the most recent one pushed also at `…/<service>:kiln-latest` (the `--cache-from` source when a
 * service must be built). The service name, not the local image name, is the repository: the
 * local name depends on the compose project name (the folder a teammate cloned into), the
 * service name does not; the prefix is what tells projects apart.
 */
import { KilnError } from "../errors.js";
import { CONTENT_TAG_PREFIX, contentTag } from "../image-ref.js";

export interface RegistryLocation {
  /** `127.0.0.1:5000` or `registry.example.com` */
  host: string;
  /** path under the host, without slashes at either end; may be empty */
  prefix: string;
  /** talk plain http (loopback hosts, as Docker treats 127.0.0.0/8 as insecure by default) */
  insecure: boolean;
}

export const LATEST_TAG = `${CONTENT_TAG_PREFIX}latest`;

const HOST = /^(?:[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)*|\[[0-9a-fA-F:]+\])(?::\d{1,5})?$/;
const PATH_PART = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

function loopback(host: string): boolean {
  const name = host.replace(/:\d+$/, "");
  return name === "localhost" || /^127\.\d+\.\d+\.\d+$/.test(name) || name === "[::1]";
}

/** parses `HOST[:PORT][/PREFIX]`; an `http://` scheme marks a non-loopback registry as insecure */
export function parseRegistry(value: string, source = "--registry"): RegistryLocation {
  let text = value.trim();
  let insecure = false;
  const scheme = /^(https?):\/\//.exec(text);
  if (scheme) {
    insecure = scheme[1] === "http";
    text = text.slice(scheme[0].length);
  }
  text = text.replace(/\/+$/, "");
  const slash = text.indexOf("/");
  const host = slash < 0 ? text : text.slice(0, slash);
  const prefix = slash < 0 ? "" : text.slice(slash + 1);
  const bad = (why: string): KilnError =>
    new KilnError("ERR_KILN_USAGE", `${source} "${value}" is not a registry location: ${why}`, {
      hint: "write HOST[:PORT]/PREFIX, e.g. --registry 127.0.0.1:5000/team/app or registry.example.com/team",
    });
  if (!HOST.test(host) || !(host.includes(".") || host.includes(":") || host === "localhost"))
    throw bad(`"${host}" is not a registry host (it needs a dot, a port, or to be localhost)`);
  for (const part of prefix === "" ? [] : prefix.split("/")) {
    if (!PATH_PART.test(part)) throw bad(`"${part}" is not a valid repository path component`);
  }
  return { host, prefix, insecure: insecure || loopback(host) };
}

/** the registry's repository for a service: `PREFIX/<service>` (service names are lowercased) */
export function registryRepository(loc: RegistryLocation, service: string): string {
  const name = service.toLowerCase().replace(/[^a-z0-9._-]/g, "-");
  return loc.prefix ? `${loc.prefix}/${name}` : name;
}

/** the full reference docker push/pull use: `HOST/PREFIX/<service>:kiln-<fp12>` */
export function registryRef(loc: RegistryLocation, service: string, fingerprint: string): string {
  return `${loc.host}/${registryRepository(loc, service)}:${contentTag(fingerprint)}`;
}

export function registryLatestRef(loc: RegistryLocation, service: string): string {
  return `${loc.host}/${registryRepository(loc, service)}:${LATEST_TAG}`;
}

export function formatRegistry(loc: RegistryLocation): string {
  return loc.prefix ? `${loc.host}/${loc.prefix}` : loc.host;
}

/** --registry beats KILN_REGISTRY beats `x-kiln: { registry: … }` in the compose file */
export function chooseRegistry(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  extensions: Record<string, unknown>,
): RegistryLocation | undefined {
  if (flag) return parseRegistry(flag, "--registry");
  if (env.KILN_REGISTRY) return parseRegistry(env.KILN_REGISTRY, "KILN_REGISTRY");
  const xk = extensions["x-kiln"];
  if (xk && typeof xk === "object" && "registry" in xk) {
    const r = (xk as { registry?: unknown }).registry;
    if (typeof r === "string" && r !== "") return parseRegistry(r, "x-kiln.registry");
  }
  return undefined;
}
