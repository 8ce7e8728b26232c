import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { computeFingerprints, type FingerprintIo } from "../../../src/core/fingerprint/index.js";
import { FsFingerprintIo } from "../../../src/adapters/fs/context-hasher.js";
import { buildSpec, makeTempDir, removeTempDir, writeTree } from "./helpers.js";

/** an io that records each walk: the context and whether it was narrowed to the Dockerfile's reads */
function countingIo(): { io: FingerprintIo; walks: string[]; reads: string[] } {
  const fs = new FsFingerprintIo();
  const walks: string[] = [];
  const reads: string[] = [];
  return {
    walks,
    reads,
    io: {
      readFile: (p) => {
        reads.push(p);
        return fs.readFile(p);
      },
      isDirectory: (p) => fs.isDirectory(p),
      hashContext: (d, m, reads) => {
        walks.push(`${path.basename(d)}:${reads ? "reads" : "whole"}${m ? ":ignore" : ""}`);
        return fs.hashContext(d, m, reads);
      },
    },
  };
}

/** a promise and the function that settles it */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe("fingerprint: contexts are walked while the engine answers", () => {
  let dir: string;
  beforeEach(() => {
    dir = makeTempDir();
    writeTree(dir, {
      "api/Dockerfile": "FROM kiln-local/busybox\nCOPY a.txt /\n",
      "api/a.txt": "a",
      "api/b.txt": "b",
      "web/Dockerfile": "FROM kiln-local/busybox\nCOPY . /app\n",
      "web/c.txt": "c",
    });
  });
  afterEach(() => removeTempDir(dir));

  const inputs = () => [
    { service: "api", build: buildSpec(path.join(dir, "api")) },
    { service: "web", build: buildSpec(path.join(dir, "web")) },
  ];

  it("walks every context before the first engine answer, and uses those walks", async () => {
    const { io, walks } = countingIo();
    const answer = deferred<string | undefined>();
    const dialect = deferred<"legacy" | undefined>();
    let asked = 0;
    const running = computeFingerprints(inputs(), {
      io,
      resolveImageId: () => {
        asked++;
        return answer.promise;
      },
      hasOnBuild: async () => false,
      serviceImageNames: {},
      contextDialect: dialect.promise,
    });
    // nothing has answered yet: both walks are done, the base image's ID was asked for first
    for (let i = 0; i < 5 && walks.length < 2; i++) await new Promise((r) => setImmediate(r));
    expect(asked).toBe(1);
    expect(walks).toEqual(["api:reads", "web:whole"]);
    answer.resolve("sha256:base");
    dialect.resolve(undefined);
    const result = await running;
    // the answers changed nothing: no walk again
    expect(walks).toEqual(["api:reads", "web:whole"]);
    expect(Object.keys(result.get("api")!.files).sort()).toEqual(["a.txt"]);
    expect(result.get("api")!.baseImages).toEqual({ "kiln-local/busybox": "sha256:base" });
  });

  it("walks the whole context again when the answer is that the base image is not local", async () => {
    const { io, walks } = countingIo();
    const result = await computeFingerprints(inputs().slice(0, 1), {
      io,
      resolveImageId: async () => undefined,
      serviceImageNames: {},
    });
    expect(walks).toEqual(["api:reads", "api:whole"]);
    expect(result.get("api")!.reads?.whole).toBeDefined();
    expect(Object.keys(result.get("api")!.files).sort()).toEqual(["Dockerfile", "a.txt", "b.txt"]);
  });

  it("walks the whole context again when the base image has ONBUILD triggers", async () => {
    const { io, walks } = countingIo();
    const result = await computeFingerprints(inputs().slice(0, 1), {
      io,
      resolveImageId: async () => "sha256:base",
      hasOnBuild: async () => true,
      serviceImageNames: {},
    });
    expect(walks).toEqual(["api:reads", "api:whole"]);
    expect(result.get("api")!.files["b.txt"]).toBeDefined();
  });

  it("walks again under the legacy client's rules only where an ignore file makes them matter", async () => {
    writeTree(dir, { "web/.dockerignore": "c.txt\n" });
    const { io, walks, reads } = countingIo();
    await computeFingerprints(inputs(), {
      io,
      resolveImageId: async () => "sha256:base",
      hasOnBuild: async () => false,
      serviceImageNames: {},
      contextDialect: Promise.resolve("legacy"),
    });
    expect(walks).toEqual(["api:reads", "web:whole:ignore", "web:whole:ignore"]);
    // each ignore file is looked for once (<Dockerfile>.dockerignore, then .dockerignore), however
    // many walks ask for it
    const looked = reads.filter((r) => r.endsWith(".dockerignore"));
    expect(looked).toHaveLength(4);
    expect(new Set(looked).size).toBe(4);
  });

  it("gives the same fingerprints as when every answer is there before the walk", async () => {
    const late = deferred<string | undefined>();
    const lateRun = computeFingerprints(inputs(), {
      io: new FsFingerprintIo(),
      resolveImageId: () => late.promise,
      serviceImageNames: {},
    });
    setTimeout(() => late.resolve("sha256:base"), 20);
    const early = await computeFingerprints(inputs(), {
      io: new FsFingerprintIo(),
      resolveImageId: async () => "sha256:base",
      serviceImageNames: {},
      contextDialect: undefined,
    });
    const lateResult = await lateRun;
    for (const s of ["api", "web"]) expect(lateResult.get(s)!.hash).toBe(early.get(s)!.hash);
  });

  it("leaves a walk that fails ahead to the turn of the service that needs it", async () => {
    const fs = new FsFingerprintIo();
    const failing = (when: "reads" | "always"): FingerprintIo => ({
      readFile: (p) => fs.readFile(p),
      isDirectory: (p) => fs.isDirectory(p),
      hashContext: (d, m, reads) => {
        if (when === "always" || reads) throw new Error(`cannot walk ${d}`);
        return fs.hashContext(d, m, reads);
      },
    });
    // the narrowed walk ahead fails, but the base image is not local: the whole context is what counts
    const api = inputs().slice(0, 1);
    const result = await computeFingerprints(api, {
      io: failing("reads"),
      resolveImageId: async () => undefined,
      serviceImageNames: {},
    });
    expect(result.get("api")!.files["b.txt"]).toBeDefined();
    // a walk the service does need fails in its turn
    await expect(
      computeFingerprints(api, {
        io: failing("always"),
        resolveImageId: async () => undefined,
        serviceImageNames: {},
      }),
    ).rejects.toThrow(/cannot walk/);
  });
});
