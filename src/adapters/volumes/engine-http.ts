/**
 * The engine's HTTP API as kiln's volume transfers speak it: one request at a time over the
 * endpoint's unix socket or plain tcp (ssh and TLS endpoints have no direct address, and are
 * refused here), aborted by Ctrl-C except for clean-up calls.
 */
import http from "node:http";
import type { Readable } from "node:stream";
import { KilnError } from "../../core/errors.js";
import { engineHint } from "../engine/api.js";
import { directAddress, type Endpoint } from "../engine/endpoint.js";

type Address = { socketPath: string } | { host: string; port: number };

export interface StreamResponse {
  status: number;
  stream: http.IncomingMessage;
}

export class EngineHttp {
  private readonly address: Address;
  private podman: Promise<boolean> | undefined;

  constructor(
    readonly endpoint: Endpoint,
    private readonly signal?: AbortSignal,
  ) {
    const address = directAddress(endpoint);
    if (!address) {
      throw new KilnError(
        "ERR_KILN_VOLUME",
        `kiln volumes needs direct API access to the engine; ${endpoint.host} has none`,
        {
          hint: "use a local engine (unix socket or plain tcp) — ssh and TLS endpoints are not supported for volume transfers",
        },
      );
    }
    this.address = address;
  }

  /** the engine listens on a unix socket on this machine */
  get local(): boolean {
    return "socketPath" in this.address;
  }

  /** Podman answers (its `/_ping` sends Libpod-Api-Version); asked once */
  isPodman(): Promise<boolean> {
    this.podman ??= this.send("GET", "/_ping").then((res) => {
      res.stream.resume();
      return res.stream.headers["libpod-api-version"] !== undefined;
    });
    return this.podman;
  }

  /**
   * One HTTP request; the body may be a stream (sent chunked). Ctrl-C aborts it — except
   * for clean-up calls (`keepGoing`), which must still remove the helper container.
   */
  send(
    method: string,
    urlPath: string,
    body?: Readable | Buffer | string,
    headers: Record<string, string> = {},
    keepGoing = false,
  ): Promise<StreamResponse> {
    const signal = keepGoing ? undefined : this.signal;
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(
          new KilnError("ERR_KILN_INTERRUPTED", "interrupted", { hint: "run the command again to finish" }),
        );
        return;
      }
      const req = http.request(
        {
          ...this.address,
          method,
          path: urlPath,
          headers: { Host: "docker", ...headers },
          ...(signal ? { signal } : {}),
        },
        (res) => resolve({ status: res.statusCode ?? 0, stream: res }),
      );
      req.on("error", (e) => {
        const where = `${method} ${urlPath.split("?")[0] ?? ""}`;
        reject(
          signal?.aborted
            ? new KilnError("ERR_KILN_INTERRUPTED", `${where}: interrupted`, {
                hint: "run the command again to finish",
              })
            : new KilnError(
                "ERR_KILN_ENGINE_UNREACHABLE",
                `cannot reach the Docker engine at ${this.endpoint.host} (${e.message})`,
                { cause: e, hint: engineHint(this.endpoint) },
              ),
        );
      });
      if (body === undefined || typeof body === "string" || Buffer.isBuffer(body)) req.end(body);
      else {
        body.on("error", (e) => req.destroy(e));
        body.pipe(req);
      }
    });
  }

  /** a request with a JSON body (or none), its answer read whole as text */
  async text(
    method: string,
    urlPath: string,
    body?: unknown,
    keepGoing = false,
  ): Promise<{ status: number; body: string }> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const res = await this.send(
      method,
      urlPath,
      payload,
      payload === undefined ? {} : { "Content-Type": "application/json" },
      keepGoing,
    );
    const chunks: Buffer[] = [];
    for await (const c of res.stream) chunks.push(c as Buffer);
    return { status: res.status, body: Buffer.concat(chunks).toString("utf8") };
  }
}
