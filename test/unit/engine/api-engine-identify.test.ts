/**
 * ApiEngine.identify against a fake engine on a unix socket: the engine is named by the headers
 * of the first answer it gave, whatever was asked (a bake's image list), and by its own
 * `/_ping` only when nothing was asked yet or that first request failed (#14 performance).
 */
import http from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ApiEngine } from "../../../src/adapters/engine/api-engine.js";
import { EngineApi } from "../../../src/adapters/engine/api.js";

let dir = "";
let server: http.Server;
let urls: string[] = [];
/** the engine the fake server claims to be */
let serverHeader = "";
let podman = false;

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "kiln-fake-engine-"));
  urls = [];
  server = http.createServer((req, res) => {
    urls.push(req.url ?? "");
    const headers: Record<string, string> = { Server: serverHeader, "Api-Version": "1.41" };
    if (podman) headers["Libpod-Api-Version"] = "4.3.1";
    else headers.Ostype = "linux";
    if ((req.url ?? "").startsWith("/images/json")) res.writeHead(200, headers).end("[]");
    else if (req.url === "/_ping") res.writeHead(200, headers).end("OK");
    else res.writeHead(404, headers).end("{}");
  });
  await new Promise<void>((resolve) => server.listen(path.join(dir, "engine.sock"), resolve));
});

afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

function engine(socket = path.join(dir, "engine.sock")): ApiEngine {
  return new ApiEngine(new EngineApi({ host: `unix://${socket}`, source: "test", tls: false }));
}

describe("ApiEngine.identify", () => {
  it("reads Docker from the answer to a request already on its way: no /_ping", async () => {
    serverHeader = "Docker/20.10.24+dfsg1 (linux)";
    const e = engine();
    const listed = e.listImages(["kiln.fingerprint"]);
    const id = await e.identify();
    await listed;
    expect(id).toEqual({ product: "docker", osType: "linux" });
    expect(urls.filter((u) => u === "/_ping")).toEqual([]);
    expect(urls).toHaveLength(1);
  });

  it("reads Podman from an image list's answer as from /_ping's", async () => {
    serverHeader = "Libpod/4.3.1 (linux)";
    podman = true;
    try {
      const e = engine();
      await e.listImages(["kiln.fingerprint"]);
      expect(await e.identify()).toEqual({ product: "podman", osType: "linux" });
      expect(urls).toHaveLength(1);
    } finally {
      podman = false;
    }
  });

  it("pings when nothing was asked yet", async () => {
    serverHeader = "Docker/20.10.24+dfsg1 (linux)";
    expect(await engine().identify()).toEqual({ product: "docker", osType: "linux" });
    expect(urls).toEqual(["/_ping"]);
  });

  it("fails like a ping when the engine does not answer at all", async () => {
    const e = engine(path.join(dir, "nobody.sock"));
    await expect(e.listImages(["kiln.fingerprint"])).rejects.toThrow(/cannot reach/);
    await expect(e.identify()).rejects.toThrow(/cannot reach/);
  });
});
