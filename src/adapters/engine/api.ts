/**
 * A minimal client for the Docker Engine API over a unix socket or plain tcp — the fast path
 * for the engine queries a no-op bake needs (no process spawn). Types only the fields read.
 */
import { http10 } from "./http10.js";
import { BUG_HINT, KilnError } from "../../core/errors.js";
import type { Endpoint } from "./endpoint.js";
import { directAddress } from "./endpoint.js";

export interface ApiResponse {
  status: number;
  body: string;
  /** lower-cased names */
  headers: Record<string, string>;
}

export class EngineApi {
  private readonly address: { socketPath: string } | { host: string; port: number };
  private first: Promise<Record<string, string>> | undefined;

  constructor(
    readonly endpoint: Endpoint,
    private readonly timeoutMs = 15_000,
  ) {
    const address = directAddress(endpoint);
    if (!address)
      throw new KilnError("ERR_KILN_INTERNAL", `no direct API access to ${endpoint.host}`, {
        hint: BUG_HINT,
      });
    this.address = address;
  }

  static canUse(endpoint: Endpoint): boolean {
    return directAddress(endpoint) !== undefined;
  }

  /**
   * The headers of the first answer this engine gave (or will give), whatever was asked: every
   * answer names the engine (Server, Ostype, Libpod-Api-Version), as `/_ping`'s does.
   */
  get firstHeaders(): Promise<Record<string, string>> | undefined {
    return this.first;
  }

  async request(method: string, urlPath: string, body?: unknown): Promise<ApiResponse> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    try {
      const answer = http10({
        address: this.address,
        method,
        path: urlPath,
        headers: {
          Host: "docker",
          ...(payload === undefined
            ? {}
            : { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(payload) }),
        },
        ...(payload === undefined ? {} : { body: payload }),
        timeoutMs: this.timeoutMs,
      });
      if (this.first === undefined) {
        this.first = answer.then((r) => r.headers);
        this.first.catch(() => undefined);
      }
      const res = await answer;
      return { status: res.status, body: res.body.toString("utf8"), headers: res.headers };
    } catch (e: unknown) {
      const message = e instanceof Error ? e.message : String(e);
      throw new KilnError(
        "ERR_KILN_ENGINE_UNREACHABLE",
        `cannot reach the Docker engine at ${this.endpoint.host} (${message})`,
        {
          cause: e,
          hint: engineHint(this.endpoint),
        },
      );
    }
  }

  async json<T>(
    method: string,
    urlPath: string,
    body?: unknown,
  ): Promise<{ status: number; value: T | undefined }> {
    const res = await this.request(method, urlPath, body);
    if (res.status >= 500) {
      throw new KilnError(
        "ERR_KILN_PROCESS_FAILED",
        `engine API ${method} ${urlPath}: ${res.status} ${res.body.trim()}`,
        {
          hint: "the engine failed on its side: check its log (scripts/dev-engine.sh logs to /var/log/kiln-dockerd.log) and free disk space",
        },
      );
    }
    return { status: res.status, value: res.body ? (JSON.parse(res.body) as T) : undefined };
  }
}

export function engineHint(endpoint: Endpoint): string {
  if (endpoint.source === "default") {
    return "start the engine (`sudo scripts/dev-engine.sh` in a kiln checkout, or `sudo systemctl start docker`), or point DOCKER_HOST at a running one";
  }
  if (endpoint.source === "DOCKER_HOST") {
    return `DOCKER_HOST is ${endpoint.host}: start an engine there, or unset DOCKER_HOST to use the local one`;
  }
  return `the ${endpoint.source} points at ${endpoint.host}: start that engine, or switch with \`docker context use default\``;
}
