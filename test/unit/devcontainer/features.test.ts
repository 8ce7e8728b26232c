import { finalStageUser } from "../../../src/core/devcontainer/dockerfile-user.js";
import { describe, expect, it } from "vitest";
import {
  configuredFeatures,
  featureInstallOrder,
  lockedDigest,
  parseFeatureMetadata,
} from "../../../src/core/devcontainer/features.js";
import {
  explainLayers,
  stageHashes,
  uidLayerWanted,
  type DevcontainerLayers,
} from "../../../src/core/devcontainer/layers.js";

describe("Feature order (the CLI's rounds)", () => {
  it("puts installsAfter and dependsOn first, else sorts by key", () => {
    const order = featureInstallOrder(
      [
        { key: "./b", dependsOn: [], installsAfter: ["./c"] },
        { key: "./c", dependsOn: [], installsAfter: [] },
        { key: "./a", dependsOn: ["./b"], installsAfter: [] },
      ],
      [],
    );
    expect(order).toEqual(["./c", "./b", "./a"]);
  });

  it("ignores a soft dependency on a Feature that is not installed", () => {
    expect(featureInstallOrder([{ key: "./b", dependsOn: [], installsAfter: ["./zzz"] }], [])).toEqual([
      "./b",
    ]);
  });

  it("overrideFeatureInstallOrder wins within a round", () => {
    const nodes = [
      { key: "./a", dependsOn: [], installsAfter: [] },
      { key: "./b", dependsOn: [], installsAfter: [] },
    ];
    expect(featureInstallOrder(nodes, ["./b"])).toEqual(["./b", "./a"]);
  });

  it("refuses a cycle, naming the Features", () => {
    expect(() =>
      featureInstallOrder(
        [
          { key: "./a", dependsOn: [], installsAfter: ["./b"] },
          { key: "./b", dependsOn: [], installsAfter: ["./a"] },
        ],
        [],
      ),
    ).toThrow(/cycle: \.\/a, \.\/b/);
  });
});

describe("Feature metadata", () => {
  it("reads id, name, dependsOn and installsAfter (comments allowed)", () => {
    const m = parseFeatureMetadata(
      '{ // c\n "id": "x", "name": "X", "dependsOn": {"./y": {}}, "installsAfter": ["./z"] }',
      "f.json",
      "./x",
    );
    expect(m).toEqual({ id: "x", name: "X", dependsOn: ["./y"], installsAfter: ["./z"] });
  });

  it.each(['{ "id": ', '{ "version": "1" }', "[]"])("refuses %s", (text) => {
    expect(() => parseFeatureMetadata(text, "f.json", "./x")).toThrow(/Feature "\.\/x"/);
  });

  it("lists configured Features in written order", () => {
    expect(configuredFeatures({ features: { "./b": {}, "ghcr.io/x/y:1": { v: "2" } } })).toEqual([
      { key: "./b", options: {}, local: true },
      { key: "ghcr.io/x/y:1", options: { v: "2" }, local: false },
    ]);
  });

  it("takes an OCI Feature's digest from devcontainer-lock.json", () => {
    const lock = JSON.stringify({
      features: {
        "ghcr.io/x/y:1": { version: "1.2.0", resolved: "ghcr.io/x/y@sha256:abc", integrity: "sha256:abc" },
      },
    });
    expect(lockedDigest(lock, "ghcr.io/x/y:1")).toBe("sha256:abc");
    expect(lockedDigest(lock, "ghcr.io/x/z:1")).toBeUndefined();
  });
});

describe("devcontainer layers", () => {
  const layers = (installSh: string, uid = 1000): DevcontainerLayers => ({
    serviceHash: "s".repeat(64),
    features: {
      cli: "0.89.0",
      features: [
        { key: "./a", options: {}, files: { "install.sh": `755:${installSh}` } },
        { key: "./b", options: { m: "x" }, files: { "install.sh": "755:b" } },
      ],
      order: ["./a", "./b"],
      overrideFeatureInstallOrder: [],
    },
    uid: { uid, gid: uid, remoteUser: "dev" },
  });

  it("chains stage hashes: a Feature change moves Features and UID, a UID change only UID", () => {
    const a = stageHashes(layers("1"));
    const b = stageHashes(layers("2"));
    const c = stageHashes(layers("1", 1001));
    expect(b.features).not.toBe(a.features);
    expect(b.uid).not.toBe(a.uid);
    expect(c.features).toBe(a.features);
    expect(c.uid).not.toBe(a.uid);
    expect(a.final).toBe(a.uid);
  });

  it("names the Feature and file that changed", () => {
    expect(explainLayers(layers("1"), layers("2"))).toEqual(["Feature ./a: install.sh changed"]);
    expect(explainLayers(layers("1"), layers("1", 1001))).toEqual([
      "UID layer changed (user or local UID/GID)",
    ]);
  });

  it("wants the UID layer as the CLI does", () => {
    expect(uidLayerWanted({ platform: "linux", updateRemoteUserUID: undefined, remoteUser: "dev" })).toBe(
      true,
    );
    expect(uidLayerWanted({ platform: "linux", updateRemoteUserUID: false, remoteUser: "dev" })).toBe(false);
    expect(uidLayerWanted({ platform: "linux", updateRemoteUserUID: true, remoteUser: "root" })).toBe(false);
    expect(uidLayerWanted({ platform: "linux", updateRemoteUserUID: true, remoteUser: "1000" })).toBe(false);
    expect(uidLayerWanted({ platform: "darwin", updateRemoteUserUID: true, remoteUser: "dev" })).toBe(false);
  });
});

describe("finalStageUser", () => {
  it.each([
    ["FROM a\nUSER dev\n", "dev"],
    ["FROM a\nUSER dev:staff\nRUN x\n", "dev"],
    ["FROM a AS b\nUSER dev\nFROM b\nRUN x\n", undefined],
    ["FROM a\nUSER $U\n", undefined],
    ["FROM a\nRUN x\n", undefined],
  ])("%j → %s", (text, user) => {
    expect(finalStageUser(text)).toBe(user);
  });
});
