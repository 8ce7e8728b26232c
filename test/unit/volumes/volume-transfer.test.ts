/**
 * VolumeTransfer against a fake engine on a unix socket: the helper container is removed
 * even when the transfer fails, and the helper image is imported only when missing.
 */
import http from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HELPER_IMAGE, VolumeTransfer } from "../../../src/adapters/volumes/volume-transfer.js";
import { directoryHeaderTar } from "../../../src/core/volumes/tar-stream.js";

interface Seen {
  method: string;
  url: string;
  body: string;
}

let dir = "";
let server: http.Server;
let seen: Seen[] = [];
let helperExists = false;
let archiveStatus = 200;
/** answer /images/create like Podman 4.3's compatible API: `tag` ignored, the tag only from `repo` */
let podmanLike = false;
let imported = "";
/** the helper image disappears once right after kiln found it */
let helperGoneOnce = false;

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "kiln-fake-engine-"));
  seen = [];
  helperExists = false;
  archiveStatus = 200;
  podmanLike = false;
  imported = "";
  helperGoneOnce = false;
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = req.url ?? "";
      seen.push({ method: req.method ?? "", url, body: Buffer.concat(chunks).toString("latin1") });
      if (url.startsWith(`/images/${encodeURIComponent(HELPER_IMAGE)}/json`)) {
        res.writeHead(helperExists ? 200 : 404).end("{}");
      } else if (url.startsWith("/images/create")) {
        const q = new URLSearchParams(url.split("?")[1]);
        const repo = q.get("repo") ?? "";
        const tagged = /:[^/]+$/.test(repo);
        imported = tagged ? repo : `${repo}:${(podmanLike ? null : q.get("tag")) ?? "latest"}`;
        helperExists = imported === HELPER_IMAGE;
        res.writeHead(200).end('{"status":"sha256:abc"}');
      } else if (url === "/containers/create") {
        const image = (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { Image: string }).Image;
        if (image === HELPER_IMAGE && helperGoneOnce) {
          helperGoneOnce = false;
          helperExists = false;
        }
        if (image === HELPER_IMAGE && !helperExists) res.writeHead(404).end('{"message":"image not known"}');
        else res.writeHead(201).end('{"Id":"c1"}');
      } else if (url.startsWith("/containers/c1/archive") && req.method === "GET") {
        if (archiveStatus !== 200) res.writeHead(archiveStatus).end('{"message":"boom"}');
        else res.writeHead(200).end(directoryHeaderTar("./", { uid: 1000, gid: 1001 }, 0o750));
      } else if (url.startsWith("/containers/c1") && req.method === "DELETE") {
        res.writeHead(204).end();
      } else res.writeHead(404).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(path.join(dir, "docker.sock"), resolve));
});

afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

function transfer(signal?: AbortSignal): VolumeTransfer {
  const endpoint = { host: `unix://${path.join(dir, "docker.sock")}`, source: "test", tls: false };
  return new VolumeTransfer(endpoint, { KILN_EXTRA_LABELS: "kiln.test.run=unit" }, signal);
}

describe("VolumeTransfer", () => {
  it("imports its empty helper image once, labelled, and reads the volume root's owner", async () => {
    const t = transfer();
    expect(await t.rootOf("cache")).toEqual({ uid: 1000, gid: 1001, mode: 0o750 });
    expect(await t.rootOf("cache")).toEqual({ uid: 1000, gid: 1001, mode: 0o750 });
    const imports = seen.filter((s) => s.url.startsWith("/images/create"));
    expect(imports).toHaveLength(1);
    const changes = new URLSearchParams((imports[0]?.url ?? "").split("?")[1]).getAll("changes");
    expect(changes).toContain('LABEL "kiln.test.run"="unit"');
    expect(changes).toContain('LABEL "kiln.managed"="true"');
    const create = JSON.parse(seen.find((s) => s.url === "/containers/create")?.body ?? "{}") as {
      Labels: Record<string, string>;
      HostConfig: { Mounts: { Source: string; Target: string; VolumeOptions: { NoCopy: boolean } }[] };
    };
    expect(create.Labels).toMatchObject({ "kiln.managed": "true", "kiln.test.run": "unit" });
    expect(create.HostConfig.Mounts[0]).toMatchObject({
      Source: "cache",
      Target: "/v",
      VolumeOptions: { NoCopy: true },
    });
    expect(seen.filter((s) => s.method === "DELETE")).toHaveLength(2);
  });

  it("names its helper image so that Podman, whose import ignores `tag`, stores it under that name", async () => {
    podmanLike = true;
    expect(await transfer().rootOf("cache")).toEqual({ uid: 1000, gid: 1001, mode: 0o750 });
    expect(imported).toBe(HELPER_IMAGE);
  });

  it("imports the helper image again when it went away after kiln found it", async () => {
    helperExists = true;
    helperGoneOnce = true;
    expect(await transfer().rootOf("cache")).toEqual({ uid: 1000, gid: 1001, mode: 0o750 });
    expect(seen.filter((s) => s.url.startsWith("/images/create"))).toHaveLength(1);
  });

  it("removes the helper container when the transfer fails", async () => {
    archiveStatus = 500;
    await expect(transfer().rootOf("cache")).rejects.toThrow(/boom/);
    expect(seen.some((s) => s.method === "DELETE" && s.url.startsWith("/containers/c1?force=1&v=1"))).toBe(
      true,
    );
  });

  it("does not start once interrupted", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(transfer(controller.signal).rootOf("cache")).rejects.toMatchObject({
      code: "ERR_KILN_INTERRUPTED",
    });
    expect(seen).toEqual([]);
  });

  it("refuses endpoints it cannot stream to", () => {
    expect(() => new VolumeTransfer({ host: "ssh://me@box", source: "test", tls: false })).toThrow(
      /direct API access/,
    );
  });
});
