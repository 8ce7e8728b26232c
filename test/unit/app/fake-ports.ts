/**
 * Fake ports for the use-case tests (tier 2): an in-memory engine that knows the images the fake
 * build client "built", a build client that records each request, no compose. The state and
 * project ports are the real ones on a temp dir (lock, journal recovery, history, pins, backups,
 * the compose files), so recovery and the pin transaction are the real code.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { KilnError } from "../../../src/core/errors.js";
import type { BuildRequest } from "../../../src/core/build/docker-build-args.js";
import type { Ports } from "../../../src/app/ports.js";
import type { BakeOptions } from "../../../src/app/bake-project.js";
import type { ProjectRequest } from "../../../src/app/request.js";
import type { DockerClient } from "../../../src/adapters/engine/client.js";
import type { ContainerInfo, Engine, ImageInfo } from "../../../src/adapters/engine/engine-types.js";
import type { ComposeCli } from "../../../src/adapters/engine/compose-cli.js";
import { projectAccess } from "../../../src/adapters/project-access.js";
import { stateStore } from "../../../src/adapters/state/state-store.js";
import { HistoryStore } from "../../../src/adapters/history/history-store.js";
import { openProjectSession } from "../../../src/adapters/state/project-session.js";
import { realPorts } from "../../../src/adapters/real-ports.js";
import type { ServiceOutcome } from "../../../src/report/progress/reporter.js";

export interface FakeWorld {
  ports: Ports;
  /** every image on the fake engine */
  images: ImageInfo[];
  /** each build request, in order, with the service it was for */
  builds: { service: string; request: BuildRequest }[];
  /** services whose next builds fail */
  failing: Set<string>;
  /** the containers the fake engine lists */
  containers: ContainerInfo[];
  /** each compose run's arguments (after the compose argv) */
  composeRuns: string[][];
  /** what the reporter was told */
  finished: ServiceOutcome[];
  log: string[];
}

export const BASE_IMAGE = "kiln-local/busybox:latest";

const FAKE_COMPOSE: ComposeCli = { variant: "v2", version: "2.99.0", argv: ["docker", "compose"], env: {} };

export const SHOP_COMPOSE = `services:
  api:
    build: ./api
  web:
    build:
      context: ./web
`;

/** a two-service project (api, web) in `projectDir`, and an env whose state dir is under `root` */
/** a `kiln build` of every service, one job, no flags: what the flow tests start from */
export function buildAll(globals: ProjectRequest, env: NodeJS.ProcessEnv): BakeOptions {
  return {
    globals,
    env,
    mode: "build",
    services: [],
    dryRun: false,
    jobs: 1,
    noCache: false,
    pull: false,
    purgeCaches: false,
  };
}

export function shopProject(root: string, projectDir: string): NodeJS.ProcessEnv {
  for (const service of ["api", "web"]) {
    mkdirSync(path.join(projectDir, service), { recursive: true });
    writeFileSync(path.join(projectDir, service, "Dockerfile"), `FROM ${BASE_IMAGE}\nCOPY . /app\n`);
    writeFileSync(path.join(projectDir, service, "main.txt"), `${service} v1\n`);
  }
  writeFileSync(path.join(projectDir, "compose.yaml"), SHOP_COMPOSE);
  return { PATH: process.env.PATH, HOME: root, KILN_STATE_DIR: path.join(root, "state") };
}

function fakeEngine(images: ImageInfo[], containers: ContainerInfo[]): Engine {
  const unsupported = (what: string) => (): never => {
    throw new KilnError("ERR_KILN_INTERNAL", `the fake engine has no ${what}`, { hint: "a test bug" });
  };
  const find = (ref: string): ImageInfo | undefined =>
    images.find((i) => i.id === ref || i.repoTags.includes(ref));
  return {
    host: "fake://engine",
    version: async () => ({
      version: "99.0",
      apiVersion: "1.99",
      os: "linux",
      arch: "amd64",
      components: ["Engine"],
    }),
    identify: unsupported("identify"),
    info: unsupported("info"),
    imageInspect: async (ref) => find(ref),
    listImages: async (labels) =>
      images.filter((i) =>
        labels.every((l) => {
          const [k, v] = l.split("=", 2);
          return v === undefined ? k in i.labels : i.labels[k] === v;
        }),
      ),
    tagImage: async (source, target) => {
      for (const i of images) i.repoTags = i.repoTags.filter((t) => t !== target);
      find(source)?.repoTags.push(target);
    },
    removeImage: unsupported("removeImage"),
    volumeInspect: unsupported("volumeInspect"),
    listVolumes: unsupported("listVolumes"),
    createVolume: unsupported("createVolume"),
    removeVolume: unsupported("removeVolume"),
    listContainers: async () => containers,
  };
}

/** a port whose every function throws: the fake world has none (a test that needs it sets its own) */
function noPort<T extends object>(name: string): T {
  return new Proxy({} as T, {
    get: (_target, key) => (): never => {
      throw new KilnError("ERR_KILN_INTERNAL", `the fake world has no ${name}.${String(key)}`, {
        hint: "a test bug",
      });
    },
  });
}

export function fakeWorld(): FakeWorld {
  const images: ImageInfo[] = [
    { id: "sha256:base", repoTags: [BASE_IMAGE], labels: {}, created: "2026-01-01T00:00:00Z", size: 1 },
  ];
  const world: FakeWorld = {
    images,
    builds: [],
    failing: new Set(),
    containers: [],
    composeRuns: [],
    finished: [],
    log: [],
    ports: undefined as unknown as Ports,
  };
  const client: DockerClient = { path: "docker", version: "fake", mode: "buildx", argv: ["docker"], env: {} };
  let built = 0;
  world.ports = {
    engine: fakeEngine(images, world.containers),
    project: projectAccess,
    volumeTransfer: () => {
      throw new KilnError("ERR_KILN_INTERNAL", "the fake world has no volumes", { hint: "a test bug" });
    },
    volumes: noPort<Ports["volumes"]>("volumes"),
    registry: noPort<Ports["registry"]>("registry"),
    builds: {
      client: async () => client,
      build: async (_client, request) => {
        const service = request.labels["kiln.service"];
        world.builds.push({ service, request });
        if (world.failing.has(service)) {
          throw new KilnError("ERR_KILN_BUILD_FAILED", `RUN make ${service}: exit code 2`, {
            hint: "fix the Dockerfile step above",
          });
        }
        built += 1;
        const id = `sha256:built${built}`;
        // a new image takes its tags from any older one, as the engine does
        for (const i of images) i.repoTags = i.repoTags.filter((t) => !request.tags.includes(t));
        images.push({
          id,
          repoTags: [...request.tags],
          labels: { ...request.labels },
          created: new Date(Date.UTC(2026, 0, 1, 0, built)).toISOString(),
          size: 1000 + built,
        });
        return { imageId: id, steps: { total: 2, cached: 0, done: 2, failed: 0 }, durationMs: 5 };
      },
    },
    compose: {
      detect: async () => FAKE_COMPOSE,
      require: async () => FAKE_COMPOSE,
      run: async (_compose, args) => {
        world.composeRuns.push(args);
      },
    },
    state: {
      ...stateStore,
      openSession: openProjectSession,
      history: (stateDir) => new HistoryStore(stateDir),
    },
    // the file-side ports are the real ones, on the temp dir (fingerprints, lint targets,
    // kiln's devcontainer copy, bundles): none of them talks to the engine
    ...filePorts(),
    reporter: {
      start: () => undefined,
      serviceStarted: () => undefined,
      event: () => undefined,
      serviceFinished: (o) => world.finished.push(o),
      close: () => undefined,
    },
    log: (line) => world.log.push(line),
  };
  return world;
}

function filePorts(): Pick<Ports, "fingerprints" | "devcontainer" | "lintTargets" | "bundles"> {
  const { fingerprints, devcontainer, lintTargets, bundles } = realPorts({
    env: {},
    reporter: { start() {}, serviceStarted() {}, event() {}, serviceFinished() {}, close() {} },
    log: () => undefined,
  });
  return { fingerprints, devcontainer, lintTargets, bundles };
}
