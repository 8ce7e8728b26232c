/**
 * ApiEngine.listImages against a fake engine on a unix socket that answers like Podman 4.3
 * when an image is removed while it lists them: 500 "image not known" for the whole list.
 */
import http from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ApiEngine } from "../../../src/adapters/engine/api-engine.js";
import { EngineApi } from "../../../src/adapters/engine/api.js";

const IMAGE = { Id: "sha256:abc", RepoTags: ["kiln.invalid/app:kiln-1"], Labels: {}, Created: 1, Size: 2 };
const GONE =
  '{"cause":"image not known","message":"reading image \\"fbeb\\": locating image with ID \\"fbeb\\": image not known","response":500}';

let dir = "";
let server: http.Server;
/** how many list calls fail before one answers */
let failures = 0;
let calls = 0;

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "kiln-fake-podman-"));
  calls = 0;
  server = http.createServer((req, res) => {
    calls += 1;
    if (!(req.url ?? "").startsWith("/images/json")) res.writeHead(404).end("{}");
    else if (calls <= failures) res.writeHead(500).end(GONE);
    else res.writeHead(200).end(JSON.stringify([IMAGE]));
  });
  await new Promise<void>((resolve) => server.listen(path.join(dir, "podman.sock"), resolve));
});

afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

function engine(): ApiEngine {
  return new ApiEngine(
    new EngineApi({ host: `unix://${path.join(dir, "podman.sock")}`, source: "test", tls: false }),
  );
}

describe("ApiEngine.listImages on Podman", () => {
  it("asks again when an image went away while Podman listed them", async () => {
    failures = 2;
    const images = await engine().listImages(["kiln.fingerprint"]);
    expect(images.map((i) => i.id)).toEqual(["sha256:abc"]);
    expect(calls).toBe(3);
  });

  it("gives up after a few answers like that, with the engine's message", async () => {
    failures = 100;
    await expect(engine().listImages(["kiln.fingerprint"])).rejects.toThrow(/image not known/);
    expect(calls).toBe(4);
  });
});
