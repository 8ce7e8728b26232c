/**
 * The pin transaction and restore (app/pin-project.ts, app/restore.ts) against in-memory state
 * and project ports (tier 2: no Docker, nothing on disk): what one pin commits and in which
 * order the original is kept, that the run's files are not read again after kiln's own write,
 * that restore puts the bytes back in one commit, and that a refused commit changes nothing and
 * still releases the project lock.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadProjectWith } from "../../../src/core/compose/load-project.js";
import { KilnError } from "../../../src/core/errors.js";
import { pinService } from "../../../src/core/pin/pin-text.js";
import type { PinsFile } from "../../../src/core/pin/pins-file.js";
import { ProjectFiles } from "../../../src/adapters/project-files.js";
import type { BackupMeta } from "../../../src/adapters/state/backup-store.js";
import { openProject } from "../../../src/app/open-project.js";
import { pinProject } from "../../../src/app/pin-project.js";
import type { Backups, DevcontainerPort, Ports, ProjectPort, StatePort } from "../../../src/app/ports.js";
import { restoreProject } from "../../../src/app/restore.js";
import { memoryIo } from "../compose/memory-io.js";
import { SHOP_COMPOSE } from "./fake-ports.js";

const projectDir = "/kiln-memory/shop";
const compose = path.join(projectDir, "compose.yaml");
const API_REF = "kiln.invalid/shop-api:kiln-0123456789ab";
const WEB_REF = "kiln.invalid/shop-web:kiln-ba9876543210";
const globals = { projectDir, files: [], profiles: [], envFiles: [] };
const env = {};

interface MemoryWorld {
  /** the project's files, by absolute path */
  files: Record<string, string>;
  pins: PinsFile;
  backups: Map<string, string>;
  /** reads of each project file through the run's io */
  reads: Map<string, number>;
  /** what the ports were asked to do, in order */
  events: string[];
  /** the next commit throws this (a journal that refuses) */
  refuseCommit?: KilnError;
  /** committed versions of each file, newest first (git) */
  git: Record<string, { commit: string; text: string }[]>;
  log: string[];
  ports: Pick<Ports, "state" | "project" | "log"> & { devcontainer: Pick<DevcontainerPort, "removeConfig"> };
}

function changed(file: string): KilnError {
  return new KilnError("ERR_KILN_FILE_CHANGED", `${file} was changed by someone else`, {
    hint: "run the command again",
  });
}

function memoryWorld(files: Record<string, string> = { [compose]: SHOP_COMPOSE }): MemoryWorld {
  const unused = (what: string) => (): never => {
    throw new KilnError("ERR_KILN_INTERNAL", `the in-memory world has no ${what}`, { hint: "a test bug" });
  };
  const world: MemoryWorld = {
    files,
    pins: { version: 1, files: {} },
    backups: new Map(),
    reads: new Map(),
    events: [],
    git: {},
    log: [],
    ports: undefined as unknown as MemoryWorld["ports"],
  };
  const io = memoryIo(files);
  const countingIo = {
    ...io,
    readText: (file: string) => {
      world.reads.set(file, (world.reads.get(file) ?? 0) + 1);
      return world.files[file];
    },
  };
  const backups: Backups = {
    get: (file) => {
      const text = world.backups.get(file);
      return text === undefined ? null : meta(file, text);
    },
    ensureBackup: (file, expected) => {
      const kept = world.backups.get(file);
      if (kept !== undefined) return meta(file, kept);
      if (expected !== undefined && world.files[file] !== expected.toString()) throw changed(file);
      world.backups.set(file, world.files[file]);
      world.events.push(`backup ${path.basename(file)}`);
      return meta(file, world.files[file]);
    },
    discard: (file) => {
      if (world.backups.delete(file)) world.events.push(`discard ${path.basename(file)}`);
    },
    verify: (file) => world.backups.has(file),
    restoreWholesale: (file) => {
      world.files[file] = world.backups.get(file)!;
      world.events.push(`restore-backup ${path.basename(file)}`);
    },
    paths: (file) => ({ target: file, data: `${file}.orig`, meta: `${file}.json` }),
  };
  const state: StatePort = {
    openSession: () => {
      world.events.push("lock");
      return {
        recovery: { found: false, completed: [], conflicts: [] },
        release: () => world.events.push("unlock"),
      };
    },
    history: unused("history"),
    dir: (dir) => path.join("/kiln-memory/state", path.basename(dir)),
    dirError: () => undefined,
    readPins: () => world.pins,
    commit: (_stateDir, changes, pins) => {
      if (world.refuseCommit) throw world.refuseCommit;
      for (const c of changes) {
        if (c.expectedCurrent !== undefined && world.files[c.path] !== c.expectedCurrent?.toString())
          throw changed(c.path);
      }
      for (const c of changes) {
        if (c.content === null) delete world.files[c.path];
        else world.files[c.path] = c.content.toString();
      }
      if (pins) world.pins = pins;
      const parts = [...changes.map((c) => path.basename(c.path)), ...(pins ? ["pins"] : [])];
      world.events.push(`commit ${parts.join(" + ")}`);
    },
    backups: () => backups,
    readOverride: () => new Map(),
    writeOverride: unused("override file"),
    removeOverride: () => false,
    recordsElsewhere: () => [],
    leftovers: unused("leftovers"),
  };
  const project: ProjectPort = {
    files: () => new ProjectFiles(countingIo),
    load: (options, io) => loadProjectWith(options, { io, env: {}, cwd: "/" }),
    loadFresh: (options, io) => loadProjectWith(options, { io, env: {}, cwd: "/" }),
    resolveTarget: (file) => path.resolve(file),
    readOnly: () => false,
    unpinMemo: () => ({ get: () => undefined, set: () => undefined }),
    committedVersions: (file) => world.git[file] ?? [],
    git: unused("git"),
  };
  world.ports = {
    state,
    project,
    devcontainer: { removeConfig: unused("devcontainer copy") },
    log: (line) => world.log.push(line),
  };
  return world;
}

function meta(file: string, text: string): BackupMeta {
  return { version: 1, file, sha256: "", size: text.length, mode: 0o644, savedAt: "" };
}

const open = (world: MemoryWorld) => openProject(globals, env, world.ports);

describe("the pin transaction through the state port", () => {
  it("backs up the original, then commits the compose file and its records together, once", async () => {
    const world = memoryWorld();
    const project = await open(world);
    const outcome = pinProject(project, world.ports, [
      { service: "api", imageRef: API_REF },
      { service: "web", imageRef: WEB_REF },
    ]);
    expect(outcome).toEqual({ pinned: ["api", "web"], unchanged: [], files: [compose] });
    expect(world.events).toEqual(["backup compose.yaml", "commit compose.yaml + pins"]);
    expect(world.backups.get(compose)).toBe(SHOP_COMPOSE);
    expect(world.files[compose]).toContain(`image: ${API_REF}`);
    expect(world.files[compose]).not.toContain("build:");
    expect(Object.keys(world.pins.files[compose]).sort()).toEqual(["api", "web"]);
    expect(world.pins.files[compose].api.imageRef).toBe(API_REF);
    // the run's files hold what kiln wrote: reading it again costs no read
    expect(project.files.read(compose)).toBe(world.files[compose]);
    expect(world.reads.get(compose)).toBe(1);
  });

  it("commits nothing when every service is already pinned to its image", async () => {
    const world = memoryWorld();
    pinProject(await open(world), world.ports, [{ service: "api", imageRef: API_REF }]);
    const after = world.files[compose];
    const outcome = pinProject(await open(world), world.ports, [{ service: "api", imageRef: API_REF }]);
    expect(outcome).toEqual({ pinned: [], unchanged: ["api"], files: [] });
    expect(world.events.filter((e) => e.startsWith("commit"))).toHaveLength(1);
    expect(world.files[compose]).toBe(after);
  });

  it("refuses a file edited after it was opened, writing nothing", async () => {
    const world = memoryWorld();
    const project = await open(world);
    const edited = `${SHOP_COMPOSE}# edited meanwhile\n`;
    world.files[compose] = edited;
    expect(() => pinProject(project, world.ports, [{ service: "api", imageRef: API_REF }])).toThrow(
      expect.objectContaining({ code: "ERR_KILN_FILE_CHANGED" }),
    );
    expect(world.files[compose]).toBe(edited);
    expect(world.pins.files).toEqual({});
    expect(world.events.filter((e) => e.startsWith("commit"))).toEqual([]);
  });
});

describe("restore through the state port", () => {
  const restore = (
    world: MemoryWorld,
    more: { services?: string[]; fromBackup?: boolean; fromGit?: boolean } = {},
  ) => restoreProject({ globals, env, services: [], ...more }, world.ports);

  it("puts the original bytes back in one commit under the lock, and forgets the backup", async () => {
    const world = memoryWorld();
    pinProject(await open(world), world.ports, [
      { service: "api", imageRef: API_REF },
      { service: "web", imageRef: WEB_REF },
    ]);
    world.events.length = 0;
    const report = await restore(world);
    expect(report).toEqual({ how: "unpin", restored: ["web", "api"], files: [compose] });
    expect(world.files[compose]).toBe(SHOP_COMPOSE);
    expect(world.pins.files).toEqual({});
    expect(world.backups.size).toBe(0);
    expect(world.events).toEqual(["lock", "commit compose.yaml + pins", "discard compose.yaml", "unlock"]);
  });

  it("--from-backup writes the backup back and clears the records in one commit", async () => {
    const world = memoryWorld();
    pinProject(await open(world), world.ports, [{ service: "api", imageRef: API_REF }]);
    world.events.length = 0;
    const report = await restore(world, { fromBackup: true });
    expect(report).toEqual({ how: "backup", restored: ["api"], files: [compose] });
    expect(world.files[compose]).toBe(SHOP_COMPOSE);
    expect(world.pins.files).toEqual({});
    expect(world.events).toEqual(["lock", "restore-backup compose.yaml", "commit pins", "unlock"]);
  });

  it("a refused commit leaves the file and the records as they were, and releases the lock", async () => {
    const world = memoryWorld();
    pinProject(await open(world), world.ports, [{ service: "api", imageRef: API_REF }]);
    const pinned = world.files[compose];
    const records = world.pins;
    world.refuseCommit = changed(compose);
    world.events.length = 0;
    await expect(restore(world)).rejects.toMatchObject({ code: "ERR_KILN_FILE_CHANGED" });
    expect(world.files[compose]).toBe(pinned);
    expect(world.pins).toBe(records);
    expect(world.events).toEqual(["lock", "unlock"]);
  });

  it("pins made in another folder come back from git only with --from-git", async () => {
    const pinned = pinService(SHOP_COMPOSE, "api", API_REF, { file: compose }).text;
    const world = memoryWorld({ [compose]: pinned });
    world.git[compose] = [{ commit: "c0ffee".padEnd(40, "0"), text: SHOP_COMPOSE }];
    await expect(restore(world)).rejects.toMatchObject({ code: "ERR_KILN_PINNED_ELSEWHERE" });
    expect(world.files[compose]).toBe(pinned);
    const report = await restore(world, { fromGit: true });
    expect(report.restored).toEqual(["api"]);
    expect(world.files[compose]).toBe(SHOP_COMPOSE);
    expect(world.log).toEqual([
      `kiln: put back build: pinned in another folder in ${compose} (from commit c0ffee000000)`,
    ]);
  });
});
