import { describe, expect, it } from "vitest";
import { detectCaches } from "../../../src/core/volumes/detect.js";
import { applyFixes, planFixes } from "../../../src/core/volumes/fix-plan.js";
import { buildVolumeReport } from "../../../src/core/volumes/report.js";
import { formatVolumeReport } from "../../../src/report/volume-text.js";
import { parsePasswd } from "../../../src/core/volumes/users.js";
import { project } from "./project-builder.js";

const devFile = "/p/dev/docker-compose.yml";
const tgFile = "/p/tg/docker-compose.yml";

function seedLike() {
  const dev = project(
    "dev",
    devFile,
    [
      {
        name: "app",
        image: "dev-image",
        mounts: [
          ["huggingface-cache", "/home/vscode/.cache/huggingface"],
          ["dukat-pip-cache", "/home/vscode/.cache/pip"],
          ["src", "/workspace"],
        ],
      },
      { name: "db", mounts: [["pgdata", "/var/lib/postgresql/data"]] },
    ],
    { "huggingface-cache": {}, "dukat-pip-cache": {}, src: {}, pgdata: {} },
  );
  const tg = project(
    "test-gen",
    tgFile,
    [{ name: "test-gen", mounts: [["dukat-pip-cache", "/root/.cache/pip"]] }],
    { "dukat-pip-cache": {} },
  );
  const images = {
    "dev-image": { user: "vscode", passwd: parsePasswd("vscode:x:1000:1000::/home/vscode:/bin/sh\n") },
  };
  return { dev, tg, images };
}

const texts: Record<string, string> = {
  [devFile]:
    "services:\n  app:\n    image: dev-image\n    volumes:\n      - huggingface-cache:/home/vscode/.cache/huggingface\n      - dukat-pip-cache:/home/vscode/.cache/pip\n      - src:/workspace\n  db:\n    image: postgres\n    volumes:\n      - pgdata:/var/lib/postgresql/data\nvolumes:\n  huggingface-cache:\n  dukat-pip-cache:\n  src:\n  pgdata:\n",
  [tgFile]:
    "services:\n  test-gen:\n    image: busybox\n    volumes:\n      - dukat-pip-cache:/root/.cache/pip\nvolumes:\n  dukat-pip-cache:\n",
};

describe("cache detection and warnings", () => {
  it("finds the caches, not the workspace or the database, and reports each problem", () => {
    const { dev, tg, images } = seedLike();
    const detection = detectCaches({ projects: [dev, tg], images });
    expect(detection.groups.map((g) => [g.purpose, g.sharedName])).toEqual([
      ["huggingface", "huggingface-cache"],
      ["pip", "dukat-pip-cache"],
    ]);
    expect(detection.participants.map((p) => `${p.project}/${p.service}`)).toEqual([
      "dev/app",
      "test-gen/test-gen",
    ]);
    const report = buildVolumeReport(detection, {}, []);
    const byName = Object.fromEntries(report.volumes.map((v) => [v.name, v.warnings.map((w) => w.code)]));
    expect(byName["dev_huggingface-cache"]).toEqual([
      "missing-mount",
      "not-named",
      "not-external",
      "owner-unset",
    ]);
    expect(byName["dev_dukat-pip-cache"]).toEqual([
      "name-differs",
      "not-named",
      "not-external",
      "owner-unset",
    ]);
    expect(byName["test-gen_dukat-pip-cache"]).toEqual(["name-differs", "not-named", "not-external"]);
    expect(formatVolumeReport(report)).toContain(
      "! missing-mount: mounted by dev/app but not by test-gen/test-gen",
    );
  });

  it("checks the owner of an existing volume against the non-root user", () => {
    const { dev, tg, images } = seedLike();
    const detection = detectCaches({ projects: [dev, tg], images });
    const states = { "dev_huggingface-cache": { exists: true, sizeBytes: 10, owner: { uid: 0, gid: 0 } } };
    const hf = buildVolumeReport(detection, states, []).volumes.find(
      (v) => v.name === "dev_huggingface-cache",
    );
    expect(hf?.warnings.find((w) => w.code === "owner-mismatch")?.message).toContain(
      "owned by 0:0 but dev/app as vscode (uid 1000)",
    );
    const fine = { "dev_huggingface-cache": { exists: true, owner: { uid: 1000, gid: 1000 } } };
    const ok = buildVolumeReport(detection, fine, []).volumes.find((v) => v.name === "dev_huggingface-cache");
    expect(ok?.warnings.map((w) => w.code)).not.toContain("owner-mismatch");
  });

  it("flags an apt cache in an image whose docker-clean empties it, and different non-root users", () => {
    const p = project(
      "x",
      "/x.yml",
      [
        { name: "a", image: "deb", user: "1000", mounts: [["apt", "/var/cache/apt"]] },
        { name: "b", image: "deb", user: "1001", mounts: [["apt", "/var/cache/apt"]] },
      ],
      { apt: { engineName: "apt", explicitName: true, external: true } },
    );
    const detection = detectCaches({ projects: [p], images: { deb: { aptDockerClean: true } } });
    const codes = buildVolumeReport(detection, { apt: { exists: true } }, []).volumes[0]?.warnings.map(
      (w) => w.code,
    );
    // only root writes apt's cache (apt runs as root): the services' users do not matter to it
    expect(codes).toEqual(["apt-docker-clean"]);
    const pip = project(
      "y",
      "/y.yml",
      [
        { name: "a", image: "deb", user: "1000", mounts: [["pip", "/root/.cache/pip"]] },
        { name: "b", image: "deb", user: "1001", mounts: [["pip", "/root/.cache/pip"]] },
      ],
      { pip: { engineName: "pip", explicitName: true, external: true } },
    );
    const pipDetection = detectCaches({ projects: [pip], images: {} });
    expect(
      buildVolumeReport(pipDetection, { pip: { exists: true } }, []).volumes[0]?.warnings.map((w) => w.code),
    ).toEqual(["mixed-users"]);
  });

  it("never takes a database's data folder for a cache, whatever the volume's name (#12.6)", () => {
    const p = project(
      "x",
      "/x.yml",
      [
        { name: "db", mounts: [["model-registry-pgdata", "/var/lib/postgresql/data"]] },
        { name: "mongo", mounts: [["hf-mongo", "/data/db"]] },
        { name: "redis", mounts: [["pip-redis", "/data"]] },
        { name: "mysql", mounts: [["torch-mysql", "/var/lib/mysql"]] },
        { name: "app", mounts: [["dukat-pip-cache", "/opt/cache"]] },
      ],
      {
        "model-registry-pgdata": {},
        "hf-mongo": {},
        "pip-redis": {},
        "torch-mysql": {},
        "dukat-pip-cache": {},
      },
    );
    const groups = detectCaches({ projects: [p] }).groups;
    expect(groups.map((g) => [g.purpose, g.mounts.map((m) => m.service)])).toEqual([["pip", ["app"]]]);
  });

  it("warns when an external cache does not exist (compose up would fail)", () => {
    const p = project("x", "/x.yml", [{ name: "a", mounts: [["hf", "/root/.cache/huggingface"]] }], {
      hf: { engineName: "hf", explicitName: true, external: true },
    });
    const detection = detectCaches({ projects: [p] });
    expect(
      buildVolumeReport(detection, { hf: { exists: false } }, []).volumes[0]?.warnings.map((w) => w.code),
    ).toEqual(["missing-external"]);
    expect(buildVolumeReport(detection, { hf: { exists: true } }, []).volumes[0]?.warnings).toEqual([]);
  });

  it("uses x-kiln.caches for purpose, shared name and external", () => {
    const p = project("x", "/x.yml", [{ name: "a", mounts: [["weights", "/opt/weights"]] }], { weights: {} });
    const detection = detectCaches({
      projects: [p],
      declared: [{ purpose: "llm-weights", volume: "shared-weights", path: "/opt/weights", external: true }],
    });
    expect(detection.groups[0]).toMatchObject({
      purpose: "llm-weights",
      sharedName: "shared-weights",
      wantExternal: true,
    });
  });
});

describe("volumes fix plan", () => {
  it("names the caches once, adds the missing mount under the user's home, and marks external on request", () => {
    const { dev, tg, images } = seedLike();
    const detection = detectCaches({ projects: [dev, tg], images });
    const actions = planFixes(detection, [dev, tg], texts, { external: true });
    expect(actions.map((a) => a.kind)).toEqual([
      "set-name",
      "set-external",
      "add-volume",
      "add-mount",
      "set-name",
      "set-external",
      "set-name",
      "set-external",
    ]);
    expect(actions).toContainEqual({
      kind: "add-mount",
      file: tgFile,
      project: "test-gen",
      service: "test-gen",
      mount: "huggingface-cache:/root/.cache/huggingface",
    });
    const changed = applyFixes(actions, texts);
    expect(Object.keys(changed).sort()).toEqual([devFile, tgFile]);
    expect(changed[tgFile]).toBe(
      "services:\n  test-gen:\n    image: busybox\n    volumes:\n      - dukat-pip-cache:/root/.cache/pip\n      - huggingface-cache:/root/.cache/huggingface\nvolumes:\n  dukat-pip-cache:\n    name: dukat-pip-cache\n    external: true\n  huggingface-cache:\n    name: huggingface-cache\n    external: true\n",
    );
  });

  it("leaves volumes with labels or a driver non-external (compose forbids it) and says so", () => {
    const p = project("x", "/x.yml", [{ name: "a", mounts: [["pip", "/root/.cache/pip"]] }], {
      pip: { labels: { a: "b" } },
    });
    const text = {
      "/x.yml":
        "services:\n  a:\n    volumes:\n      - pip:/root/.cache/pip\nvolumes:\n  pip:\n    labels:\n      a: b\n",
    };
    const actions = planFixes(detectCaches({ projects: [p] }), [p], text, { external: true });
    expect(actions.map((a) => a.kind)).toEqual(["set-name", "note"]);
    expect(applyFixes(actions, text)["/x.yml"]).not.toContain("external");
  });

  it("adds no mounts with addMounts: false", () => {
    const { dev, tg, images } = seedLike();
    const actions = planFixes(detectCaches({ projects: [dev, tg], images }), [dev, tg], texts, {
      addMounts: false,
    });
    expect(actions.map((a) => a.kind)).toEqual(["set-name", "set-name", "set-name"]);
  });

  it("has nothing to do once the caches are shared", () => {
    const p = project("x", "/x.yml", [{ name: "a", mounts: [["pip", "/root/.cache/pip"]] }], {
      pip: { engineName: "pip", explicitName: true },
    });
    expect(planFixes(detectCaches({ projects: [p] }), [p], { "/x.yml": "" })).toEqual([]);
  });
});
