/**
 * Build args as they enter the fingerprint. BuildKit keeps its predefined proxy args out of
 * cache keys (https://docs.docker.com/build/building/variables/#pre-defined-build-arguments),
 * so changing a proxy must not make an image stale either.
 */
const PROXY_ARGS = new Set(
  ["HTTP_PROXY", "HTTPS_PROXY", "FTP_PROXY", "NO_PROXY", "ALL_PROXY"].flatMap((name) => [
    name,
    name.toLowerCase(),
  ]),
);

export function isProxyArg(name: string): boolean {
  return PROXY_ARGS.has(name);
}

/** The args minus proxy args; null (declared, unset) stays distinct from "" (set, empty). */
export function fingerprintArgs(args: Record<string, string | null>): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [name, value] of Object.entries(args)) {
    if (!isProxyArg(name)) out[name] = value;
  }
  return out;
}
