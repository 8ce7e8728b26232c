import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { computeFingerprints, type FingerprintIo } from "../../../src/core/fingerprint/index.js";
import { FsFingerprintIo } from "../../../src/adapters/fs/context-hasher.js";
import { fingerprintServices } from "../../../src/adapters/fs/fingerprint-services.js";
import { buildSpec, fingerprintOne, makeTempDir, noImages, removeTempDir, writeTree } from "./helpers.js";

describe("fingerprint: build inputs", () => {
  let dir: string;
  beforeEach(() => {
    dir = makeTempDir();
    writeTree(dir, {
      Dockerfile: "ARG BASE=kiln-local/busybox:latest\nFROM ${BASE}\nARG GREETING\nRUN echo $GREETING\n",
      "a.txt": "a",
    });
  });
  afterEach(() => removeTempDir(dir));

  it("tells an unset arg from an empty one", async () => {
    const unset = await fingerprintOne(dir, { args: { GREETING: null } });
    const empty = await fingerprintOne(dir, { args: { GREETING: "" } });
    const none = await fingerprintOne(dir);
    expect(unset.args).toEqual({ GREETING: null });
    expect(new Set([unset.hash, empty.hash, none.hash]).size).toBe(3);
  });

  it("changes with an arg's value", async () => {
    const a = await fingerprintOne(dir, { args: { GREETING: "hi" } });
    const b = await fingerprintOne(dir, { args: { GREETING: "hello" } });
    expect(a.hash).not.toBe(b.hash);
  });

  it("leaves BuildKit's proxy args out, in both cases", async () => {
    const plain = await fingerprintOne(dir, { args: { GREETING: "hi" } });
    const proxied = await fingerprintOne(dir, {
      args: {
        GREETING: "hi",
        HTTP_PROXY: "http://p:3128",
        https_proxy: "http://p:3128",
        NO_PROXY: "localhost",
        all_proxy: "",
        FTP_PROXY: null,
      },
    });
    expect(proxied.hash).toBe(plain.hash);
    expect(proxied.args).toEqual({ GREETING: "hi" });
  });

  it("changes with the Dockerfile text, its # syntax= line included", async () => {
    const before = await fingerprintOne(dir);
    writeTree(dir, {
      Dockerfile:
        "# syntax=docker/dockerfile:1.4\nARG BASE=kiln-local/busybox:latest\nFROM ${BASE}\nARG GREETING\nRUN echo $GREETING\n",
    });
    const after = await fingerprintOne(dir);
    expect(after.dockerfile).not.toBe(before.dockerfile);
    expect(after.hash).not.toBe(before.hash);
  });

  it("uses dockerfile_inline when given", async () => {
    const a = await fingerprintOne(dir, {
      dockerfile: undefined,
      dockerfileInline: "FROM kiln-local/busybox\n",
    });
    const b = await fingerprintOne(dir, {
      dockerfile: undefined,
      dockerfileInline: "FROM kiln-local/busybox\nRUN true\n",
    });
    expect(a.hash).not.toBe(b.hash);
    expect(a.baseImages).toEqual({ "kiln-local/busybox": null });
  });

  it("changes with target, platforms and the service's platform", async () => {
    const base = await fingerprintOne(dir);
    const target = await fingerprintOne(dir, { target: "dev" });
    const platforms = await fingerprintOne(dir, { platforms: ["linux/arm64"] });
    const platform = await fingerprintOne(dir, {}, {}, { platform: "linux/arm64" });
    expect(target.target).toBe("dev");
    expect(new Set([base.hash, target.hash, platforms.hash]).size).toBe(3);
    expect(platform.platforms).toEqual(["linux/arm64"]);
    expect(platform.hash).not.toBe(base.hash);
  });

  it("records base image IDs, expanded with build args, null when not local", async () => {
    const ids: Record<string, string> = {
      "kiln-local/busybox:latest": "sha256:aaa",
      "kiln-local/debian:bookworm": "sha256:bbb",
    };
    const resolveImageId = async (ref: string) => ids[ref];
    const busybox = await fingerprintOne(dir, {}, { resolveImageId });
    expect(busybox.baseImages).toEqual({ "kiln-local/busybox:latest": "sha256:aaa" });
    const debian = await fingerprintOne(
      dir,
      { args: { BASE: "kiln-local/debian:bookworm" } },
      { resolveImageId },
    );
    expect(debian.baseImages).toEqual({ "kiln-local/debian:bookworm": "sha256:bbb" });
    ids["kiln-local/busybox:latest"] = "sha256:ccc";
    const rebuiltBase = await fingerprintOne(dir, {}, { resolveImageId });
    expect(rebuiltBase.hash).not.toBe(busybox.hash);
    const missing = await fingerprintOne(dir, {}, { resolveImageId: noImages });
    expect(missing.baseImages).toEqual({ "kiln-local/busybox:latest": null });
  });

  it("hashes a local additional context like the main one, and keeps references as written", async () => {
    writeTree(dir, {
      ".dockerignore": "extra\n",
      "extra/x.txt": "x",
      "extra/.dockerignore": "*.log\n",
      "extra/y.log": "y",
    });
    const extra = path.join(dir, "extra");
    const contexts = {
      extra,
      img: "docker-image://kiln-local/debian:bookworm",
      git: "https://example.com/repo.git",
    };
    const before = await fingerprintOne(dir, { additionalContexts: contexts });
    expect(before.additionalContexts.extra).toMatch(/^dir:[0-9a-f]{64}$/);
    expect(before.additionalContexts.git).toBe("https://example.com/repo.git");
    expect(before.baseImages).toHaveProperty(["kiln-local/debian:bookworm"]);
    writeTree(dir, { "extra/y.log": "ignored change" });
    expect((await fingerprintOne(dir, { additionalContexts: contexts })).hash).toBe(before.hash);
    writeTree(dir, { "extra/x.txt": "x2" });
    expect((await fingerprintOne(dir, { additionalContexts: contexts })).hash).not.toBe(before.hash);
  });

  it("includes a service built FROM another service's image by that service's fingerprint", async () => {
    const baseDir = path.join(dir, "base");
    const appDir = path.join(dir, "app");
    writeTree(dir, {
      "base/Dockerfile": "FROM kiln-local/busybox\nCOPY b.txt /\n",
      "base/b.txt": "b",
      "app/Dockerfile": "FROM myproj-base\nCOPY . /\n",
    });
    const run = () =>
      fingerprintServices(
        [
          { service: "app", build: buildSpec(appDir) },
          { service: "base", build: buildSpec(baseDir) },
        ],
        {
          resolveImageId: async () => "sha256:changes-every-build",
          serviceImageNames: { app: "myproj-app", base: "myproj-base:latest" },
        },
      );
    const first = await run();
    expect(first.get("app")!.dependsOnServices).toEqual({ base: first.get("base")!.hash });
    expect(first.get("app")!.baseImages).toEqual({});
    writeTree(dir, { "base/b.txt": "b2" });
    const second = await run();
    expect(second.get("base")!.hash).not.toBe(first.get("base")!.hash);
    expect(second.get("app")!.hash).not.toBe(first.get("app")!.hash);
  });

  it("refuses services that build FROM each other's images", async () => {
    writeTree(dir, { "a/Dockerfile": "FROM proj-b\n", "b/Dockerfile": "FROM proj-a\n" });
    const p = fingerprintServices(
      [
        { service: "a", build: buildSpec(path.join(dir, "a")) },
        { service: "b", build: buildSpec(path.join(dir, "b")) },
      ],
      { resolveImageId: noImages, serviceImageNames: { a: "proj-a", b: "proj-b" } },
    );
    await expect(p).rejects.toMatchObject({ code: "ERR_KILN_COMPOSE_INVALID" });
    await expect(p).rejects.toThrow(/cycle: (a → b → a|b → a → b)/);
  });

  it("walks a context shared by several services once", async () => {
    const io = new FsFingerprintIo();
    let walks = 0;
    const counting: FingerprintIo = {
      readFile: (p) => io.readFile(p),
      isDirectory: (p) => io.isDirectory(p),
      hashContext: (d, m) => {
        walks++;
        return io.hashContext(d, m);
      },
    };
    const result = await computeFingerprints(
      [
        { service: "web", build: buildSpec(dir, { target: "web" }) },
        { service: "worker", build: buildSpec(dir, { target: "worker" }) },
      ],
      { io: counting, resolveImageId: noImages, serviceImageNames: {} },
    );
    expect(walks).toBe(1);
    expect(result.get("web")!.files).toEqual(result.get("worker")!.files);
    expect(result.get("web")!.hash).not.toBe(result.get("worker")!.hash);
  });

  it("fails with kiln errors for a missing context or Dockerfile", async () => {
    await expect(fingerprintOne(path.join(dir, "nope"))).rejects.toMatchObject({
      code: "ERR_KILN_CONTEXT_MISSING",
    });
    await expect(
      fingerprintOne(dir, { dockerfile: path.join(dir, "Missing.Dockerfile") }),
    ).rejects.toMatchObject({
      code: "ERR_KILN_DOCKERFILE_MISSING",
    });
  });

  it("fingerprints a remote context by its URL without walking anything", async () => {
    const m = await fingerprintOne("https://github.com/example/repo.git#main", {
      contextIsRemote: true,
      dockerfile: undefined,
    });
    expect(m.remoteContext).toBe("https://github.com/example/repo.git#main");
    expect(m.files).toEqual({});
  });

  it("passes an engine failure on as a rejection", async () => {
    writeTree(dir, { Dockerfile: "FROM a\nFROM b\n" });
    const down = () => Promise.reject(new Error("engine down"));
    await expect(fingerprintOne(dir, {}, { resolveImageId: down })).rejects.toThrow("engine down");
  });

  it("reads each file once when two services walk one context with different ignore files", async () => {
    writeTree(dir, {
      "web.Dockerfile": "FROM kiln-local/busybox\n",
      "web.Dockerfile.dockerignore": "a.txt\n",
      "worker.Dockerfile": "FROM kiln-local/busybox\n",
    });
    const io = new FsFingerprintIo();
    const reads = new Map<string, number>();
    const hash = io.hashContext.bind(io);
    let walks = 0;
    const counting: FingerprintIo = {
      readFile: (p) => io.readFile(p),
      isDirectory: (p) => io.isDirectory(p),
      hashContext: (d, m) => {
        walks++;
        return hash(d, m);
      },
    };
    const cache = (io as unknown as { cache: { store(root: string, rel: string): void } }).cache;
    const store = cache.store.bind(cache);
    cache.store = (root: string, rel: string, ...rest: unknown[]) => {
      reads.set(rel, (reads.get(rel) ?? 0) + 1);
      (store as (...a: unknown[]) => void)(root, rel, ...rest);
    };
    const result = await computeFingerprints(
      [
        { service: "web", build: buildSpec(dir, { dockerfile: path.join(dir, "web.Dockerfile") }) },
        { service: "worker", build: buildSpec(dir, { dockerfile: path.join(dir, "worker.Dockerfile") }) },
      ],
      { io: counting, resolveImageId: noImages, serviceImageNames: {} },
    );
    expect(walks).toBe(2);
    expect(result.get("web")!.files["a.txt"]).toBeUndefined();
    expect(result.get("worker")!.files["a.txt"]).toBeDefined();
    expect(Math.max(...reads.values())).toBe(1);
  });
});
