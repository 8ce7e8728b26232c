import { createServer } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { http10, parseResponse } from "../../../src/adapters/engine/http10.js";
import { requestsSent } from "../../../src/core/fingerprint/compute.js";

describe("parseResponse", () => {
  it("reads status, headers and a plain body", () => {
    const r = parseResponse(
      Buffer.from(
        'HTTP/1.0 404 Not Found\r\nContent-Type: application/json\r\n\r\n{"message":"no such image"}',
      ),
    );
    expect(r.status).toBe(404);
    expect(r.headers["content-type"]).toBe("application/json");
    expect(r.body.toString()).toBe('{"message":"no such image"}');
  });

  it("decodes a chunked body", () => {
    const r = parseResponse(
      Buffer.from(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n[1,2\r\n2\r\n,3\r\n1\r\n]\r\n0\r\n\r\n",
      ),
    );
    expect(r.body.toString()).toBe("[1,2,3]");
  });

  it("rejects what is not HTTP", () => {
    expect(() => parseResponse(Buffer.from("garbage"))).toThrow(/malformed/);
  });
});

describe("http10 over a unix socket", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "kiln-http10-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("sends method, path, headers and body; reads the whole response", async () => {
    const socketPath = path.join(dir, "s.sock");
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        res.setHeader("Content-Type", "application/json");
        res.end(JSON.stringify({ method: req.method, url: req.url, host: req.headers.host, body }));
      });
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    try {
      const r = await http10({
        address: { socketPath },
        method: "POST",
        path: "/volumes/create?x=1",
        headers: { Host: "docker", "Content-Type": "application/json", "Content-Length": 11 },
        body: '{"Name":"v"}'.slice(0, 11),
        timeoutMs: 5000,
      });
      expect(r.status).toBe(200);
      expect(JSON.parse(r.body.toString())).toEqual({
        method: "POST",
        url: "/volumes/create?x=1",
        host: "docker",
        body: '{"Name":"v"',
      });
    } finally {
      server.close();
    }
  });

  it("fails on a socket nobody listens on", async () => {
    await expect(
      http10({
        address: { socketPath: path.join(dir, "none.sock") },
        method: "GET",
        path: "/_ping",
        headers: {},
        timeoutMs: 1000,
      }),
    ).rejects.toThrow(/ENOENT|ECONNREFUSED/);
  });
});

describe("http10 while the thread is busy", () => {
  it("has its request on the socket once requestsSent() resolves, before a synchronous walk", async () => {
    // the server runs in another process: it answers with the time the request arrived while
    // this thread is blocked (a context walk is synchronous)
    const dir = mkdtempSync(path.join(os.tmpdir(), "kiln-http10-busy-"));
    const socketPath = path.join(dir, "s.sock");
    const server = spawn(
      process.execPath,
      [
        "-e",
        `require("node:net").createServer((s) => s.once("data", () => s.end("HTTP/1.0 200 OK\\r\\n\\r\\n" + Date.now()))).listen(process.argv[1], () => process.stdout.write("up"));`,
        socketPath,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    try {
      await new Promise((resolve) => server.stdout.once("data", resolve));
      const answer = http10({
        address: { socketPath },
        method: "GET",
        path: "/_ping",
        headers: { Host: "docker" },
        timeoutMs: 5000,
      });
      await requestsSent();
      const blockedFrom = Date.now();
      while (Date.now() - blockedFrom < 400) {
        // the walk
      }
      const arrived = Number((await answer).body.toString());
      expect(arrived).toBeLessThan(blockedFrom + 200);
    } finally {
      server.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
