/** Engine kinds from /version + /info answers (recorded here, or constructed where no such engine can run — see each file's "source"). */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  describeEngine,
  engineInfo,
  engineSupport,
  engineTraits,
  engineVersion,
  identifyFromPing,
  type RawInfo,
  type RawVersion,
} from "../../../src/core/engine/traits.js";
import { fixturesDir } from "../../helpers/kiln.js";

function traitsOf(name: string): ReturnType<typeof engineTraits> {
  const raw = JSON.parse(readFileSync(path.join(fixturesDir, "engines", "info", `${name}.json`), "utf8")) as {
    version: RawVersion;
    info: RawInfo;
  };
  return engineTraits(engineVersion(raw.version), engineInfo(raw.info));
}

describe("engine traits", () => {
  it("rootful Docker 20.10 (recorded): docker, graphdriver, no notes, supported", () => {
    const t = traitsOf("docker-20.10-rootful");
    expect(t).toMatchObject({
      product: "docker",
      rootless: false,
      imageStore: "graphdriver",
      storageDriver: "overlay2",
    });
    expect(describeEngine(t)).toBe("Docker 20.10.24+dfsg1, rootful, overlay2 storage");
    expect(engineSupport(t)).toEqual({ notes: [] });
  });

  it("Podman 4.3 (recorded): named Podman from its component, supported with a note", () => {
    const t = traitsOf("podman-4.3-rootful");
    expect(t).toMatchObject({
      product: "podman",
      rootless: false,
      imageStore: "graphdriver",
      storageDriver: "overlay",
    });
    expect(describeEngine(t)).toBe("Podman 4.3.1, rootful, overlay storage");
    const s = engineSupport(t);
    expect(s.refusal).toBeUndefined();
    expect(s.notes.join("\n")).toContain("podman build --layers");
  });

  it("rootless Docker with the containerd image store: both detected, supported, doctor says why", () => {
    const t = traitsOf("docker-27-rootless-containerd");
    expect(t).toMatchObject({ product: "docker", rootless: true, imageStore: "containerd" });
    expect(describeEngine(t)).toBe("Docker 27.3.1, rootless, containerd image store (overlayfs snapshotter)");
    const s = engineSupport(t);
    expect(s.refusal).toBeUndefined();
    expect(s.notes.some((n) => n.includes("user namespace") && n.includes("kiln volumes ensure"))).toBe(true);
    expect(s.notes.some((n) => n.startsWith("containerd image store"))).toBe(true);
  });

  it("Windows containers: refused with code and hint", () => {
    const s = engineSupport(traitsOf("docker-windows"));
    expect(s.refusal).toMatchObject({
      code: "ERR_KILN_ENGINE_UNSUPPORTED",
      exitCode: 3,
      hint: expect.stringContaining("Linux containers") as unknown,
    });
  });

  it("identifies the engine from /_ping headers (recorded: Podman 4.3.1, Docker 20.10.24)", () => {
    expect(
      identifyFromPing({
        "libpod-api-version": "4.3.1",
        server: "Libpod/4.3.1 (linux)",
        "api-version": "1.41",
      }),
    ).toEqual({ product: "podman", osType: "linux" });
    expect(identifyFromPing({ server: "Docker/20.10.24+dfsg1 (linux)", ostype: "linux" })).toEqual({
      product: "docker",
      osType: "linux",
    });
  });
});
