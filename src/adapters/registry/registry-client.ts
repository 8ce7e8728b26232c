/**
 * A small client for the registry HTTP API v2 — only what kiln needs to decide "pull or build"
 * without pulling: does a tag exist, and which `kiln.fingerprint` label does its image carry.
 * Auth follows the registry's challenge (Basic, or a Bearer token from the realm it names)
 * with credentials from docker's own store; they never leave this object.
 */
import { KilnError } from "../../core/errors.js";
import { formatRegistry, type RegistryLocation } from "../../core/registry/registry-ref.js";
import { credentialsFor, type Credentials } from "./credentials.js";

const MANIFEST_TYPES = [
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.oci.image.index.v1+json",
].join(", ");

export interface TagImage {
  /** the manifest digest (Docker-Content-Digest) */
  digest: string;
  labels: Record<string, string>;
}

interface Manifest {
  mediaType?: string;
  config?: { digest: string };
  manifests?: { digest: string; platform?: { os?: string; architecture?: string } }[];
}

export interface RegistryClientOptions {
  env: NodeJS.ProcessEnv;
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
  credentials?: () => Promise<Credentials | undefined>;
}

/** what kiln reads from a registry: a tag's image (digest, labels) and a repository's tags */
export interface RegistryReader {
  /** HOST[:PORT]/PREFIX, for messages */
  readonly name: string;
  readonly location: RegistryLocation;
  /** the image a tag points at, with its config labels; undefined when the tag does not exist */
  tagImage(repository: string, tag: string): Promise<TagImage | undefined>;
  /** the repository's tags (none when it does not exist) */
  tags(repository: string): Promise<string[]>;
}

const GOARCH: Record<string, string> = { x64: "amd64", arm64: "arm64", arm: "arm", ia32: "386" };

export class RegistryClient implements RegistryReader {
  readonly name: string;
  private readonly base: string;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private readonly tokens = new Map<string, string>();
  private creds?: Promise<Credentials | undefined>;

  constructor(
    readonly location: RegistryLocation,
    private readonly options: RegistryClientOptions,
  ) {
    this.name = formatRegistry(location);
    this.base = `${location.insecure ? "http" : "https"}://${location.host}`;
    this.fetchImpl = options.fetchImpl ?? fetch;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** the image a tag points at, with its config labels; undefined when the tag does not exist */
  async tagImage(repository: string, tag: string): Promise<TagImage | undefined> {
    const res = await this.request(repository, `/v2/${repository}/manifests/${encodeURIComponent(tag)}`, {
      Accept: MANIFEST_TYPES,
    });
    if (res.status === 404) return undefined;
    await this.expectOk(res, `${repository}:${tag}`);
    const digest = res.headers.get("docker-content-digest") ?? "";
    let manifest = (await res.json()) as Manifest;
    if (manifest.manifests) {
      const arch = GOARCH[process.arch] ?? process.arch;
      const pick =
        manifest.manifests.find((m) => m.platform?.os === "linux" && m.platform.architecture === arch) ??
        manifest.manifests[0];
      if (!pick) return { digest, labels: {} };
      const sub = await this.request(repository, `/v2/${repository}/manifests/${pick.digest}`, {
        Accept: MANIFEST_TYPES,
      });
      await this.expectOk(sub, `${repository}@${pick.digest}`);
      manifest = (await sub.json()) as Manifest;
    }
    if (!manifest.config) return { digest, labels: {} };
    const blob = await this.request(repository, `/v2/${repository}/blobs/${manifest.config.digest}`, {});
    await this.expectOk(blob, `${repository} config ${manifest.config.digest}`);
    const config = (await blob.json()) as { config?: { Labels?: Record<string, string> | null } };
    return { digest, labels: config.config?.Labels ?? {} };
  }

  /** the repository's tags (none when it does not exist); the first page only */
  async tags(repository: string): Promise<string[]> {
    const res = await this.request(repository, `/v2/${repository}/tags/list?n=1000`, {});
    if (res.status === 404) return [];
    await this.expectOk(res, `${repository} tags`);
    const body = (await res.json()) as { tags?: string[] | null };
    return body.tags ?? [];
  }

  private credentials(): Promise<Credentials | undefined> {
    this.creds ??= (
      this.options.credentials ?? (() => credentialsFor(this.location.host, this.options.env))
    )();
    return this.creds;
  }

  private async send(url: string, headers: Record<string, string>): Promise<Response> {
    try {
      return await this.fetchImpl(url, { headers, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error: unknown) {
      throw new KilnError("ERR_KILN_REGISTRY", `registry ${this.name} is unreachable (${describe(error)})`, {
        cause: error,
        hint: `check that the registry runs and that ${this.location.host} is the right address (--registry, KILN_REGISTRY or x-kiln.registry)`,
      });
    }
  }

  private async request(
    repository: string,
    pathname: string,
    headers: Record<string, string>,
  ): Promise<Response> {
    const url = `${this.base}${pathname}`;
    const token = this.tokens.get(repository);
    const first = await this.send(url, token ? { ...headers, Authorization: token } : headers);
    if (first.status !== 401) return first;
    const challenge = first.headers.get("www-authenticate") ?? "";
    await first.body?.cancel();
    const auth = await this.authorize(challenge, repository);
    if (!auth) return first;
    this.tokens.set(repository, auth);
    return this.send(url, { ...headers, Authorization: auth });
  }

  private async authorize(challenge: string, repository: string): Promise<string | undefined> {
    const creds = await this.credentials();
    const basic = creds
      ? `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString("base64")}`
      : undefined;
    if (/^basic/i.test(challenge)) return basic;
    if (!/^bearer/i.test(challenge)) return basic;
    const params = Object.fromEntries(
      [...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1] ?? "", m[2] ?? ""]),
    );
    if (!params.realm) return undefined;
    const realm = new URL(params.realm);
    if (params.service) realm.searchParams.set("service", params.service);
    realm.searchParams.set("scope", params.scope ?? `repository:${repository}:pull`);
    const res = await this.send(realm.toString(), basic ? { Authorization: basic } : {});
    if (!res.ok) {
      await res.body?.cancel();
      return undefined;
    }
    const body = (await res.json()) as { token?: string; access_token?: string };
    const t = body.token ?? body.access_token;
    return t ? `Bearer ${t}` : undefined;
  }

  private async expectOk(res: Response, what: string): Promise<void> {
    if (res.ok) return;
    const text = (await res.text().catch(() => "")).slice(0, 300);
    if (res.status === 401 || res.status === 403) {
      throw new KilnError(
        "ERR_KILN_REGISTRY",
        `registry ${this.name} refused access to ${what} (HTTP ${res.status})`,
        {
          hint: `log in with \`docker login ${this.location.host}\` (kiln uses docker's credential store and never stores credentials itself)`,
        },
      );
    }
    throw new KilnError(
      "ERR_KILN_REGISTRY",
      `registry ${this.name} answered HTTP ${res.status} for ${what}: ${text}`,
      {
        hint: "check the registry's logs; kiln falls back to building when it cannot look an image up",
      },
    );
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? error.message;
  }
  return String(error);
}
