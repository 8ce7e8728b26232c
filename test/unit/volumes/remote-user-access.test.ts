import { describe, expect, it } from "vitest";
import { parseDevcontainerMetadata, remoteUserSpec } from "../../../src/core/devcontainer/remote-user.js";
import { canWriteRoot, judgeAccess } from "../../../src/core/volumes/access.js";
import { detectCaches } from "../../../src/core/volumes/detect.js";
import { buildVolumeReport } from "../../../src/core/volumes/report.js";
import { parsePasswd } from "../../../src/core/volumes/users.js";
import { project } from "./project-builder.js";

describe("the devcontainer's remote user", () => {
  it("follows the CLI's order: remoteUser, metadata, containerUser, service user, image USER", () => {
    expect(remoteUserSpec({ config: { remoteUser: "vscode" }, serviceUser: "root" })).toBe("vscode");
    expect(
      remoteUserSpec({
        config: {},
        metadata: [{ remoteUser: "a" }, { remoteUser: "b" }, { id: "x" }],
        serviceUser: "c",
      }),
    ).toBe("b");
    expect(remoteUserSpec({ config: { containerUser: "app" }, serviceUser: "c", imageUser: "d" })).toBe(
      "app",
    );
    expect(remoteUserSpec({ config: {}, serviceUser: "1001:1001", imageUser: "d" })).toBe("1001:1001");
    expect(remoteUserSpec({ config: {}, imageUser: "d" })).toBe("d");
    expect(remoteUserSpec({ config: {} })).toBeUndefined();
  });

  it("reads the metadata label as an array or one entry, and ignores a broken one", () => {
    expect(parseDevcontainerMetadata('[{"remoteUser":"v"},{"id":"f"}]')).toHaveLength(2);
    expect(parseDevcontainerMetadata('{"remoteUser":"v"}')).toEqual([{ remoteUser: "v" }]);
    expect(parseDevcontainerMetadata("{nope")).toEqual([]);
    expect(parseDevcontainerMetadata(undefined)).toEqual([]);
  });
});

describe("who can write a volume's root folder", () => {
  const vscode = { spec: "vscode", uid: 1000, gid: 1000 };
  it("decides by owner, then primary group, then others; root always can", () => {
    expect(canWriteRoot(vscode, { uid: 0, gid: 0, mode: 0o755 })).toBe(false);
    expect(canWriteRoot(vscode, { uid: 1000, gid: 1000, mode: 0o755 })).toBe(true);
    expect(canWriteRoot(vscode, { uid: 1000, gid: 0, mode: 0o555 })).toBe(false);
    expect(canWriteRoot(vscode, { uid: 0, gid: 1000, mode: 0o2775 })).toBe(true);
    expect(canWriteRoot(vscode, { uid: 0, gid: 0, mode: 0o1777 })).toBe(true);
    expect(canWriteRoot({ spec: "", uid: 0, gid: 0 }, { uid: 5, gid: 5, mode: 0o700 })).toBe(true);
    expect(canWriteRoot({ spec: "ghost" }, { uid: 0, gid: 0, mode: 0o755 })).toBeUndefined();
  });
});

describe("caches of a devcontainer whose container runs as root and whose remote user does not", () => {
  const file = "/p/dukat/.devcontainer/docker-compose.yml";
  const dev = {
    ...project(
      "dukat_devcontainer",
      file,
      [{ name: "devcontainer", image: "baked", mounts: [["hf", "/cache/huggingface"]] }],
      { hf: { engineName: "huggingface-cache", explicitName: true, external: true } },
    ),
    devcontainer: {
      configPath: "/p/dukat/.devcontainer/devcontainer.json",
      workspaceFolder: "/p/dukat",
      service: "devcontainer",
      composeFiles: [file],
      config: { remoteUser: "vscode" },
    },
  };
  // the baked image: the UID layer gave vscode the host user's UID
  const images = {
    baked: { passwd: parsePasswd("root:x:0:0::/root:/bin/sh\nvscode:x:1234:1234::/home/vscode:/bin/bash\n") },
  };

  it("counts the remote user as the cache's user (its UID from the pinned image)", () => {
    const detection = detectCaches({ projects: [dev], images });
    expect(detection.groups[0]?.mounts[0]?.user).toMatchObject({ spec: "vscode", uid: 1234, gid: 1234 });
  });

  it("warns about a root-owned 755 root folder, not about a 1777 one", () => {
    const detection = detectCaches({ projects: [dev], images });
    const codes = (mode: number) =>
      buildVolumeReport(
        detection,
        { "huggingface-cache": { exists: true, owner: { uid: 0, gid: 0 }, mode } },
        [],
      ).volumes[0]?.warnings.map((w) => w.code);
    expect(codes(0o755)).toEqual(["owner-mismatch"]);
    expect(codes(0o1777)).toEqual([]);
  });
});

describe("doctor's verdict on a cache's user", () => {
  const base = {
    volume: "hf",
    path: "/cache/huggingface",
    where: "p/dev",
    user: { spec: "vscode", uid: 1000, gid: 1000 },
    image: "img",
  };
  it("judges the volume's own root when it holds files", () => {
    const f = judgeAccess({
      ...base,
      root: { uid: 0, gid: 0, mode: 0o755 },
      empty: false,
      ensureOwner: { uid: 1000, gid: 1000 },
    });
    expect(f).toMatchObject({ writable: false, hint: "kiln volumes ensure --recursive" });
    expect(f?.message).toContain("its root folder is 0:0 mode 0755");
    // ensure would pick another owner (or none): the hint names this user's
    expect(judgeAccess({ ...base, root: { uid: 0, gid: 0, mode: 0o755 }, empty: false })?.hint).toBe(
      "kiln volumes ensure --owner 1000:1000 --recursive",
    );
    expect(
      judgeAccess({ ...base, root: { uid: 1000, gid: 1000, mode: 0o755 }, empty: false })?.writable,
    ).toBe(true);
  });

  it("judges the image's folder when the volume is empty (the engine copies it on)", () => {
    const chowned = { uid: 1000, gid: 1000, mode: 0o755 };
    const f = judgeAccess({
      ...base,
      root: chowned,
      empty: true,
      imageFolder: { uid: 0, gid: 0, mode: 0o755 },
    });
    expect(f?.writable).toBe(false);
    expect(f?.hint).toContain("chmod 1777 /cache/huggingface");
    expect(
      judgeAccess({ ...base, root: chowned, empty: true, imageFolder: { uid: 0, gid: 0, mode: 0o1777 } })
        ?.writable,
    ).toBe(true);
    // no folder in the image: the volume keeps its own root
    expect(judgeAccess({ ...base, root: chowned, empty: true })?.writable).toBe(true);
  });

  it("has nothing to say about root or an unknown UID", () => {
    const root = { uid: 0, gid: 0, mode: 0o755 };
    expect(judgeAccess({ ...base, user: { spec: "", uid: 0, gid: 0 }, root, empty: false })).toBeUndefined();
    expect(judgeAccess({ ...base, user: { spec: "ghost" }, root, empty: false })).toBeUndefined();
  });
});
