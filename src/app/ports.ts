/**
 * What a use case needs from the outside world, passed in rather than imported: the engine, the
 * build client, compose, the project's state (lock, journal, history) and where its progress
 * and notes go. The CLI builds the real ports once per command (cli/runtime.ts), a library
 * caller gets them from app/library.ts, and a test passes fakes (test/unit/app/).
 *
 * Members are function-valued properties, not methods: a use case passes `ports.builds.client`
 * on as a plain function. The shapes are the adapters' own (adapters may not import app/): `realPorts()` in
 * adapters/real-ports.ts returns an object of exactly this type.
 */
import type { BuildRequest } from "../core/build/docker-build-args.js";
import type { ProgressReporter } from "../report/progress/reporter.js";
import type { BuildOutcome, BuildRunOptions } from "../adapters/engine/build.js";
import type { DockerClient } from "../adapters/engine/client.js";
import type { ComposeCli } from "../adapters/engine/compose-cli.js";
import type { Engine } from "../adapters/engine/engine-types.js";
import type { HistoryStore } from "../adapters/history/history-store.js";
import type { ProjectSession, ProjectSessionOptions } from "../adapters/state/project-session.js";
import type { VolumeTransfer } from "../adapters/volumes/volume-transfer.js";

/** the client kiln builds with (buildx, the legacy BuildKit client, or podman) */
export interface BuildPort {
  /** detected on first use, then the same answer for the run */
  client: () => Promise<DockerClient>;
  /** one BuildKit build of `request`; its progress as events */
  build: (
    client: DockerClient,
    request: BuildRequest,
    options: Pick<BuildRunOptions, "signal" | "onEvent">,
  ) => Promise<BuildOutcome>;
}

/** the compose CLI the user has (v2 plugin, docker-compose v1/v2, podman-compose) */
export interface ComposePort {
  /** undefined when there is none */
  detect: () => Promise<ComposeCli | undefined>;
  /** the compose found, or ERR_KILN_NO_COMPOSE */
  require: () => Promise<ComposeCli>;
  /** runs `compose.argv` + `args` (an argument array), its stderr lines going to `onStderrLine` */
  run: (
    compose: ComposeCli,
    args: string[],
    options: { cwd?: string; signal?: AbortSignal; onStderrLine?: (line: string) => void },
  ) => Promise<void>;
}

/** a project's state dir: the lock with journal recovery, and the build history */
export interface StatePort {
  /** the project lock, orphan builds ended, an interrupted change completed (project-session.ts) */
  openSession: (stateDir: string, options: ProjectSessionOptions) => ProjectSession;
  history: (stateDir: string) => HistoryStore;
}

export interface Ports {
  engine: Engine;
  /** reads and writes volume contents on the engine's host (throws for an endpoint it cannot reach) */
  volumeTransfer: (signal?: AbortSignal) => VolumeTransfer;
  builds: BuildPort;
  compose: ComposePort;
  state: StatePort;
  /** build progress (a run recorder wraps the one the user sees) */
  reporter: ProgressReporter;
  /** kiln's notes (stderr in the CLI, dropped by default in the library) */
  log: (line: string) => void;
}

/** the same ports with another reporter (the engine still resolved only when first used) */
export function withReporter(ports: Ports, reporter: ProgressReporter): Ports {
  return {
    get engine(): Engine {
      return ports.engine;
    },
    volumeTransfer: ports.volumeTransfer,
    builds: ports.builds,
    compose: ports.compose,
    state: ports.state,
    reporter,
    log: ports.log,
  };
}
