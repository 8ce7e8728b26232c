/** The registry v2 client against a fake fetch: tags, labels, auth challenges, failures. */
import { describe, expect, it } from "vitest";
import { parseRegistry } from "../../../src/core/registry/registry-ref.js";
import { RegistryClient } from "../../../src/adapters/registry/registry-client.js";
import { lookupFingerprint } from "../../../src/adapters/registry/lookup.js";

const fp = "0123456789abcdef".repeat(4);
type Route = (url: URL, headers: Record<string, string>) => Response | undefined;

function fakeFetch(
  routes: Route[],
  seen: { url: string; headers: Record<string, string> }[] = [],
): typeof fetch {
  return (async (input: string | URL, init?: RequestInit) => {
    const url = new URL(input);
    const headers = (init?.headers ?? {}) as Record<string, string>;
    seen.push({ url: url.toString(), headers });
    for (const r of routes) {
      const res = r(url, headers);
      if (res) return res;
    }
    return new Response("not found", { status: 404 });
  }) as typeof fetch;
}

const json = (body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status: 200, headers });

function imageRoutes(label: string): Route[] {
  return [
    (u) =>
      u.pathname === `/v2/team/api/manifests/kiln-${fp.slice(0, 12)}`
        ? json(
            {
              mediaType: "application/vnd.docker.distribution.manifest.v2+json",
              config: { digest: "sha256:cfg" },
            },
            { "docker-content-digest": "sha256:man" },
          )
        : undefined,
    (u) =>
      u.pathname === "/v2/team/api/blobs/sha256:cfg"
        ? json({ config: { Labels: { "kiln.fingerprint": label } } })
        : undefined,
  ];
}

const loc = parseRegistry("127.0.0.1:5000/team");

describe("RegistryClient + lookupFingerprint", () => {
  it("finds a tag whose image carries the fingerprint, asking for docker v2 / OCI manifests", async () => {
    const seen: { url: string; headers: Record<string, string> }[] = [];
    const client = new RegistryClient(loc, {
      env: {},
      fetchImpl: fakeFetch(imageRoutes(fp), seen),
      credentials: async () => undefined,
    });
    await expect(lookupFingerprint(client, "api", fp)).resolves.toEqual({
      state: "found",
      ref: `127.0.0.1:5000/team/api:kiln-${fp.slice(0, 12)}`,
      digest: "sha256:man",
    });
    expect(seen[0]?.url).toMatch(/^http:\/\/127\.0\.0\.1:5000\/v2\//);
    expect(seen[0]?.headers.Accept).toContain("application/vnd.docker.distribution.manifest.v2+json");
    expect(seen[0]?.headers.Accept).toContain("application/vnd.oci.image.index.v1+json");
  });

  it("a tag with another fingerprint label is a mismatch; no tag is absent", async () => {
    const client = new RegistryClient(loc, {
      env: {},
      fetchImpl: fakeFetch(imageRoutes("f".repeat(64))),
      credentials: async () => undefined,
    });
    await expect(lookupFingerprint(client, "api", fp)).resolves.toMatchObject({
      state: "mismatch",
      label: "f".repeat(64),
    });
    await expect(lookupFingerprint(client, "worker", fp)).resolves.toMatchObject({ state: "absent" });
  });

  it("follows an index to the platform's manifest", async () => {
    const routes: Route[] = [
      (u) =>
        u.pathname.endsWith(`/manifests/kiln-${fp.slice(0, 12)}`)
          ? json({
              manifests: [
                { digest: "sha256:one", platform: { os: "linux", architecture: "amd64" } },
                { digest: "sha256:two", platform: { os: "linux", architecture: "arm64" } },
              ],
            })
          : undefined,
      (u) =>
        u.pathname.endsWith("/manifests/sha256:one") || u.pathname.endsWith("/manifests/sha256:two")
          ? json({ config: { digest: "sha256:cfg" } })
          : undefined,
      (u) =>
        u.pathname.endsWith("/blobs/sha256:cfg")
          ? json({ config: { Labels: { "kiln.fingerprint": fp } } })
          : undefined,
    ];
    const client = new RegistryClient(loc, {
      env: {},
      fetchImpl: fakeFetch(routes),
      credentials: async () => undefined,
    });
    await expect(lookupFingerprint(client, "api", fp)).resolves.toMatchObject({ state: "found" });
  });

  it("answers a Bearer challenge with a token fetched with Basic credentials", async () => {
    const seen: { url: string; headers: Record<string, string> }[] = [];
    const routes: Route[] = [
      (u) =>
        u.pathname === "/token"
          ? u.searchParams.get("scope") === "repository:team/api:pull" &&
            (seen.at(-1)?.headers.Authorization ?? "") === `Basic ${Buffer.from("me:pw").toString("base64")}`
            ? json({ token: "T" })
            : new Response("no", { status: 401 })
          : undefined,
      (u, h) =>
        u.pathname.startsWith("/v2/") && h.Authorization !== "Bearer T"
          ? new Response("", {
              status: 401,
              headers: { "www-authenticate": 'Bearer realm="http://127.0.0.1:5000/token",service="reg"' },
            })
          : undefined,
      ...imageRoutes(fp),
    ];
    const client = new RegistryClient(loc, {
      env: {},
      fetchImpl: fakeFetch(routes, seen),
      credentials: async () => ({ username: "me", password: "pw" }),
    });
    await expect(lookupFingerprint(client, "api", fp)).resolves.toMatchObject({ state: "found" });
  });

  it("wrong credentials and an unreachable registry are errors that name the registry, with a hint", async () => {
    const denied = new RegistryClient(loc, {
      env: {},
      fetchImpl: fakeFetch([
        () => new Response("", { status: 401, headers: { "www-authenticate": 'Basic realm="r"' } }),
      ]),
      credentials: async () => ({ username: "me", password: "wrong" }),
    });
    const l = await lookupFingerprint(denied, "api", fp);
    expect(l.state).toBe("error");
    if (l.state === "error") {
      expect(l.error.message).toMatch(/registry 127\.0\.0\.1:5000\/team refused access .*HTTP 401/);
      expect(l.error.hint).toMatch(/docker login 127\.0\.0\.1:5000/);
      expect(l.error.message).not.toContain("wrong");
    }
    const down = new RegistryClient(loc, {
      env: {},
      fetchImpl: async () => {
        throw new TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } });
      },
      credentials: async () => undefined,
    });
    await expect(down.tagImage("team/api", "kiln-latest")).rejects.toThrow(/unreachable \(ECONNREFUSED\)/);
  });
});
