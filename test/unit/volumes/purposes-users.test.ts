import { describe, expect, it } from "vitest";
import { readKilnVolumesConfig } from "../../../src/core/volumes/kiln-extension.js";
import { defaultPathFor, purposeForName, purposeForPath } from "../../../src/core/volumes/purposes.js";
import { isRoot, parseOwner, parsePasswd, resolveUser } from "../../../src/core/volumes/users.js";

describe("cache purposes", () => {
  it.each([
    ["/root/.cache/pip", "pip"],
    ["/home/vscode/.cache/pip/", "pip"],
    ["/var/cache/apt", "apt"],
    ["/var/lib/apt/lists", "apt-lists"],
    ["/root/.cache/torch", "torch"],
    ["/root/.cache/huggingface", "huggingface"],
    ["/home/dev/.cache/huggingface", "huggingface"],
    ["/root/.ollama", "ollama"],
    ["/models", "models"],
  ])("%s is a %s cache", (p, purpose) => {
    expect(purposeForPath(p)).toBe(purpose);
  });

  it("follows the tool's environment variable", () => {
    expect(purposeForPath("/data/hf", { HF_HOME: "/data/hf" })).toBe("huggingface");
    expect(purposeForPath("/srv/ollama-models", { OLLAMA_MODELS: "/srv/ollama-models/" })).toBe("ollama");
    expect(purposeForPath("/data/hf")).toBeUndefined();
    expect(purposeForPath("/workspace")).toBeUndefined();
  });

  it.each([
    ["dukat-pip-cache", "pip"],
    ["dukat-apt-cache", "apt"],
    ["dukat-torch-cache", "torch"],
    ["model-cache", "models"],
    ["huggingface-cache", "huggingface"],
    ["OllamaModels", "ollama"],
    ["postgres-data", undefined],
  ])("the seed's volume %s reads as %s", (name, purpose) => {
    expect(purposeForName(name)).toBe(purpose);
  });

  it("picks a mount path for a service: env, then home", () => {
    expect(defaultPathFor("huggingface", "/home/u", { HF_HOME: "/hf" })).toBe("/hf");
    expect(defaultPathFor("huggingface", "/home/u")).toBe("/home/u/.cache/huggingface");
    expect(defaultPathFor("apt", "/home/u")).toBe("/var/cache/apt");
    expect(defaultPathFor("unknown-purpose", "/root")).toBeUndefined();
  });
});

describe("users", () => {
  const passwd = parsePasswd(
    "root:x:0:0:root:/root:/bin/sh\nvscode:x:1000:1001::/home/vscode:/bin/bash\n# comment\nbroken\n",
  );

  it("resolves names, numbers and groups like the engine", () => {
    expect(resolveUser(undefined)).toMatchObject({ uid: 0, gid: 0, home: "/root" });
    expect(resolveUser("vscode", passwd)).toEqual({
      spec: "vscode",
      uid: 1000,
      gid: 1001,
      home: "/home/vscode",
    });
    expect(resolveUser("1000", passwd)).toMatchObject({ uid: 1000, gid: 1001 });
    expect(resolveUser("1234")).toEqual({ spec: "1234", uid: 1234, gid: 0 });
    expect(resolveUser("1000:2000", passwd)).toMatchObject({ uid: 1000, gid: 2000 });
    expect(resolveUser("ghost")).toEqual({ spec: "ghost" });
    expect(resolveUser("vscode:staff", passwd, new Map([["staff", 50]]))).toMatchObject({
      uid: 1000,
      gid: 50,
    });
  });

  it("knows root and parses --owner", () => {
    expect(isRoot(resolveUser(""))).toBe(true);
    expect(isRoot(resolveUser("root"))).toBe(true);
    expect(isRoot(resolveUser("1000"))).toBe(false);
    expect(parseOwner("1000:1000")).toEqual({ uid: 1000, gid: 1000 });
    expect(parseOwner("1000")).toEqual({ uid: 1000, gid: 1000 });
    expect(parseOwner("vscode")).toBeUndefined();
  });
});

describe("x-kiln volumes config", () => {
  it("reads the long and short cache forms and the project list", () => {
    const config = readKilnVolumesConfig({
      "x-kiln": {
        projects: [".", "../test-gen"],
        caches: { huggingface: { volume: "hf", path: "/hf", external: true }, pip: "dukat-pip-cache" },
      },
    });
    expect(config).toEqual({
      projects: [".", "../test-gen"],
      caches: [
        { purpose: "huggingface", volume: "hf", path: "/hf", external: true },
        { purpose: "pip", volume: "dukat-pip-cache", external: false },
      ],
    });
    expect(readKilnVolumesConfig({})).toEqual({ caches: [] });
  });

  it("rejects malformed sections with a usage error", () => {
    expect(() => readKilnVolumesConfig({ "x-kiln": { caches: { pip: { path: "/x" } } } })).toThrow(
      /caches.pip needs a volume/,
    );
    expect(() => readKilnVolumesConfig({ "x-kiln": { projects: "." } })).toThrow(/projects must be a list/);
  });
});
