import { describe, expect, it } from "vitest";
import { loadProjectSync } from "../../../src/adapters/project-loader.js";
import { memoryIo, thrown } from "./memory-io.js";

const load = (text: string, env: Record<string, string> = {}) =>
  loadProjectSync(
    { projectDir: "/p", env: { HOME: "/home/u", ...env } },
    memoryIo({ "/p/compose.yaml": text }),
  );

describe("build specs", () => {
  it("reads every build key", () => {
    const p = load(
      [
        "services:",
        "  app:",
        "    platform: linux/arm64",
        "    build:",
        "      context: ./app",
        "      dockerfile: docker/Dockerfile.dev",
        "      args: {N: 1, S: s}",
        "      target: dev",
        "      labels: [a=b]",
        "      network: host",
        "      shm_size: 2gb",
        "      extra_hosts: {db: 10.0.0.2}",
        "      secrets: [npmrc, {source: token, target: tok}]",
        "      ssh: [default]",
        "      additional_contexts: {lib: ./lib, img: 'docker-image://alpine:3', remote: 'https://example.com/x.git'}",
        "      cache_from: ['type=local,src=/c']",
        "      cache_to: [type=inline]",
        "      no_cache: true",
        "      pull: true",
        "      platforms: [linux/amd64, linux/arm64]",
        "      tags: [example/app:1]",
        "secrets:",
        "  npmrc: {file: ~/.npmrc}",
        "  token: {environment: GH_TOKEN}",
      ].join("\n"),
    );
    const app = p.services[0];
    expect(app?.platform).toBe("linux/arm64");
    expect(app?.build).toEqual({
      context: "/p/app",
      contextIsRemote: false,
      dockerfile: "/p/app/docker/Dockerfile.dev",
      args: { N: "1", S: "s" },
      target: "dev",
      labels: { a: "b" },
      network: "host",
      shmSize: "2gb",
      extraHosts: ["db:10.0.0.2"],
      secrets: [
        { id: "npmrc", source: { file: "/home/u/.npmrc" } },
        { id: "tok", source: { environment: "GH_TOKEN" } },
      ],
      ssh: ["default"],
      additionalContexts: {
        lib: "/p/lib",
        img: "docker-image://alpine:3",
        remote: "https://example.com/x.git",
      },
      cacheFrom: ["type=local,src=/c"],
      cacheTo: ["type=inline"],
      noCache: true,
      pull: true,
      platforms: ["linux/amd64", "linux/arm64"],
      tags: ["example/app:1"],
    });
  });

  it("dockerfile_inline replaces the Dockerfile path; an absolute dockerfile stays", () => {
    const p = load(
      "services:\n  a:\n    build:\n      context: .\n      dockerfile_inline: 'FROM scratch'\n  b:\n    build:\n      context: .\n      dockerfile: /abs/Dockerfile\n",
    );
    expect(p.services[0]?.build?.dockerfileInline).toBe("FROM scratch");
    expect(p.services[0]?.build?.dockerfile).toBeUndefined();
    expect(p.services[1]?.build?.dockerfile).toBe("/abs/Dockerfile");
  });

  it("casts interpolated booleans back, as compose does", () => {
    const p = load("services:\n  a:\n    build:\n      context: .\n      no_cache: ${NC:-false}\n", {
      NC: "true",
    });
    expect(p.services[0]?.build?.noCache).toBe(true);
  });
});

describe("named volumes", () => {
  const text = [
    "name: proj",
    "services:",
    "  a:",
    "    image: x",
    "    volumes: [plain:/plain, 'named:/named:ro', ext:/ext, /anon, type: tmpfs]",
    "volumes:",
    "  plain:",
    "  named: {name: 'my-${SUFFIX:-vol}', driver: local, labels: [k=v]}",
    "  ext: {external: true}",
    "  legacy: {external: {name: old-name}}",
  ].join("\n");

  it("gives each its engine name", () => {
    const p = load(text.replace(", type: tmpfs", ""));
    expect(p.volumes).toEqual({
      plain: { key: "plain", engineName: "proj_plain", external: false, explicitName: false, labels: {} },
      named: {
        key: "named",
        engineName: "my-vol",
        external: false,
        explicitName: true,
        driver: "local",
        labels: { k: "v" },
      },
      ext: { key: "ext", engineName: "ext", external: true, explicitName: false, labels: {} },
      legacy: { key: "legacy", engineName: "old-name", external: true, explicitName: true, labels: {} },
    });
  });

  it("lists each service's mounts", () => {
    const p = load(text.replace(", type: tmpfs", ""));
    expect(p.services[0]?.volumes).toEqual([
      { type: "volume", source: "plain", target: "/plain", readOnly: false },
      { type: "volume", source: "named", target: "/named", readOnly: true },
      { type: "volume", source: "ext", target: "/ext", readOnly: false },
      { type: "volume", target: "/anon", readOnly: false },
    ]);
  });

  it("refuses a mount of an undeclared volume", () => {
    const e = thrown(() => load("services:\n  a:\n    image: x\n    volumes: [nope:/x]\n"));
    expect(e.code).toBe("ERR_KILN_COMPOSE_INVALID");
    expect(e.message).toContain("undefined volume nope");
    expect(e.location).toBe("/p/compose.yaml:2");
  });
});

describe("schema validation", () => {
  it("names the unknown key and its line", () => {
    const e = thrown(() =>
      load("services:\n  a:\n    image: x\n    build:\n      context: .\n      dockerfle: D\n"),
    );
    expect(e.code).toBe("ERR_KILN_COMPOSE_INVALID");
    expect(e.message).toBe("services.a.build.dockerfle is not allowed here (unknown key)");
    expect(e.location).toBe("/p/compose.yaml:6:7");
  });

  it("names a wrong type", () => {
    const e = thrown(() =>
      load("services:\n  a:\n    image: x\n    build:\n      context: .\n      args: 5\n"),
    );
    expect(e.message).toContain("services.a.build.args");
    expect(e.location).toBe("/p/compose.yaml:6:7");
  });

  it("requires image or build", () => {
    expect(thrown(() => load("services:\n  a:\n    environment: {A: '1'}\n")).message).toContain(
      "neither an image nor a build",
    );
  });
});
