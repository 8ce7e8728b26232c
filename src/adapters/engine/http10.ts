/**
 * One HTTP/1.0 exchange over a raw socket: the engine API calls kiln makes are small JSON
 * requests, and node:http's first request costs several milliseconds of set-up that a no-op
 * bake cannot spare. HTTP/1.0 means no keep-alive and no chunked bodies: the server sends the
 * body and closes. (Chunked bodies are still decoded, should a server send one.)
 */
import net from "node:net";
import { KilnError } from "../../core/errors.js";

export interface Http10Request {
  address: { socketPath: string } | { host: string; port: number };
  method: string;
  path: string;
  headers: Record<string, string | number>;
  body?: string;
  timeoutMs: number;
}

export interface Http10Response {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** what answered on the engine's socket or port does not speak HTTP */
function malformed(what: string): KilnError {
  return new KilnError("ERR_KILN_ENGINE_UNREACHABLE", `malformed HTTP response from the engine: ${what}`, {
    hint: "is DOCKER_HOST / --context pointing at a Docker engine? `docker version` shows what answers",
  });
}

export function parseResponse(raw: Buffer): Http10Response {
  const end = raw.indexOf("\r\n\r\n");
  if (end < 0) throw malformed("no end of headers");
  const head = raw.subarray(0, end).toString("latin1").split("\r\n");
  const status = Number(/^HTTP\/\d\.\d (\d{3})/.exec(head[0] ?? "")?.[1] ?? NaN);
  if (!Number.isFinite(status)) throw malformed(`status line: ${head[0] ?? ""}`);
  const headers: Record<string, string> = {};
  for (const line of head.slice(1)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = raw.subarray(end + 4);
  if (/chunked/i.test(headers["transfer-encoding"] ?? "")) body = dechunk(body);
  return { status, headers, body };
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = data.indexOf("\r\n", at);
    if (eol < 0) break;
    const size = parseInt(data.subarray(at, eol).toString("latin1"), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(data.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

export function http10(req: Http10Request): Promise<Http10Response> {
  return new Promise((resolve, reject) => {
    const socket =
      "socketPath" in req.address
        ? net.createConnection(req.address.socketPath)
        : net.createConnection(req.address.port, req.address.host);
    const chunks: Buffer[] = [];
    socket.setTimeout(req.timeoutMs, () =>
      socket.destroy(new Error(`engine API timed out after ${req.timeoutMs} ms`)),
    );
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", reject);
    socket.on("end", () => {
      try {
        resolve(parseResponse(Buffer.concat(chunks)));
      } catch (error: unknown) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    const headers = Object.entries(req.headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join("");
    socket.write(`${req.method} ${req.path} HTTP/1.0\r\n${headers}\r\n`);
    if (req.body !== undefined) socket.write(req.body);
  });
}
