/**
 * `kiln up [SERVICE...]`: the seed's setup script as one use case — ensure the cache volumes,
 * bake what is stale, then `compose up -d` with the compose found (v2 plugin, v1, podman-compose).
 *
 * Containers that still run an image other than the baked one are recreated
 * (`--force-recreate` for those services only): compose keeps a container whose config did
 * not change, and the Dev Containers CLI reuses an existing container whatever its image.
 */
import { existsSync } from "node:fs";
import { KilnError } from "../core/errors.js";
import type { ComposeVariant, LoadProjectOptions, ProjectModel } from "../core/compose/model.js";
import type { ComposeCli } from "../adapters/engine/compose-cli.js";
import type { Engine } from "../adapters/engine/engine-types.js";
import type { ProjectFiles } from "../adapters/project-files.js";
import { extraLabels } from "../core/volumes/labels.js";
import { bakeProject, type BakeOptions, type BakeReport } from "./bake-project.js";
import { loadOptions } from "./open-project.js";
import { overridePath } from "./override-pins.js";
import { withReporter, type Ports } from "./ports.js";
import type { ProgressReporter } from "../report/progress/reporter.js";
import type { ProjectRequest } from "./request.js";

export interface UpRequest {
  globals: ProjectRequest;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** services to start (empty: every service) */
  services: string[];
  /** false: start what the compose file names now, build nothing (`--no-bake`) */
  bake: boolean;
  /** false: do not create missing cache volumes (`--no-volumes`) */
  volumes: boolean;
  jobs: number;
  /**
   * the run's project files (#14.3): read once, reused by the volumes, the bake and the model
   * compose is started with (the pin's writes update them; nothing is read again)
   */
  files?: ProjectFiles;
}

export interface UpReport {
  volumesCreated: string[];
  bake?: BakeReport;
  /** set when a bake failed: nothing was started */
  bakeFailed: boolean;
  /** the project and compose started (absent when a bake failed) */
  project?: string;
  compose?: ComposeVariant;
  recreated: string[];
  started: string[];
}

/** how the bake of an up is watched (the CLI records it as a run of `kiln up`) */
export interface UpBakeRun {
  /** the bake's progress goes here instead of `ports.reporter` */
  reporter: ProgressReporter;
  onLocked?: BakeOptions["onLocked"];
  /** runs the bake (and writes the run's outcome, whatever happens) */
  around: (bake: () => Promise<BakeReport>) => Promise<BakeReport>;
}

export interface UpHooks {
  /** called when the bake is about to start (after the volumes) */
  bakeRun?: () => UpBakeRun;
}

const PROJECT_LABEL = "com.docker.compose.project";
const SERVICE_LABEL = "com.docker.compose.service";

export async function upProject(request: UpRequest, ports: Ports, hooks: UpHooks = {}): Promise<UpReport> {
  const { services } = request;
  // fail fast, with the engine's own hint, before touching volumes or building
  await ports.engine.version();
  const compose = await ports.compose.require();
  const options = (): LoadProjectOptions => loadOptions(request.globals, request.env);
  const files = request.files ?? ports.project.files();
  const before = await ports.project.loadFresh({ ...options(), variant: compose.variant }, files.io);
  for (const s of services) {
    if (!before.allServices.some((x) => x.name === s)) {
      throw new KilnError("ERR_KILN_UNKNOWN_SERVICE", `no service "${s}" in project ${before.name}`, {
        hint: `services: ${before.services.map((x) => x.name).join(", ")}`,
      });
    }
  }
  const selected = services.length > 0 ? services : before.services.map((s) => s.name);
  const used = new Set(
    before.services
      .filter((s) => selected.includes(s.name))
      .flatMap((s) => s.volumes.filter((v) => v.type === "volume").map((v) => v.source ?? "")),
  );
  const created = request.volumes
    ? await ensureProjectVolumes(request, options(), ports, before, used, files)
    : [];

  let bake: BakeReport | undefined;
  // bake decides freshness on the project as it was before any pin: call it even when pinned
  if (request.bake) {
    const watch = hooks.bakeRun?.();
    const run = () =>
      bakeProject(
        {
          globals: request.globals,
          env: request.env,
          ...(request.signal ? { signal: request.signal } : {}),
          mode: "bake",
          services,
          dryRun: false,
          jobs: request.jobs,
          noCache: false,
          pull: false,
          purgeCaches: false,
          files,
          ...(watch?.onLocked ? { onLocked: watch.onLocked } : {}),
        },
        watch ? withReporter(ports, watch.reporter) : ports,
      );
    bake = await (watch ? watch.around(run) : run());
    if (bake.results.some((r) => r.action === "failed")) {
      return { volumesCreated: created, bake, bakeFailed: true, recreated: [], started: [] };
    }
  }

  // the model again: the compose file (or kiln's override file, after --mode override) now names
  // the baked images
  const model = await withOverride(
    request,
    options(),
    await ports.project.loadFresh({ ...options(), variant: compose.variant }, files.io),
    files,
    ports,
  );
  const recreate = await staleContainers(ports.engine, model, selected);
  const base = composeArgs(compose, model);
  const run = (args: string[]) =>
    ports.compose.run(compose, [...base, ...args], {
      // podman-compose has no --project-directory: relative paths resolve from where it runs
      ...(compose.tool === "podman-compose" ? { cwd: model.projectDir } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
      onStderrLine: (line: string) => ports.log(line),
    });
  if (recreate.length > 0) await run(["up", "-d", "--no-deps", "--force-recreate", ...recreate]);
  await run(["up", "-d", ...services]);
  return {
    volumesCreated: created,
    ...(bake ? { bake } : {}),
    bakeFailed: false,
    project: model.name,
    compose: compose.variant,
    recreated: recreate,
    started: selected,
  };
}

/** the shared caches (with owners, via `kiln volumes ensure`), then any other external volume */
async function ensureProjectVolumes(
  request: UpRequest,
  root: LoadProjectOptions,
  ports: Pick<Ports, "engine" | "volumeTransfer" | "volumes">,
  model: ProjectModel,
  used: Set<string>,
  files: ProjectFiles,
): Promise<string[]> {
  const engine = ports.engine;
  const transfer = ports.volumeTransfer();
  const inv = await ports.volumes.inventory({
    projectDir: request.globals.projectDir,
    root,
    env: request.env,
    io: files.io,
    readText: (file) => files.readText(file),
    engine,
    transfer,
  });
  const created = (
    await ports.volumes.ensure(inv.detection, inv.states, { engine, transfer, env: request.env })
  )
    .filter((a) => a.created)
    .map((a) => a.name);
  // compose refuses to start with a missing external volume; one kiln does not see as a cache
  // still has to exist — created without kiln.managed: it is the user's data, never pruned (#12.6)
  for (const v of Object.values(model.volumes)) {
    if (!v.external || !used.has(v.key) || created.includes(v.engineName)) continue;
    if (await engine.volumeInspect(v.engineName)) continue;
    await engine.createVolume(v.engineName, extraLabels(request.env));
    created.push(v.engineName);
  }
  return created;
}

/** the compose command line for the project kiln baked: its name, directory, files, env files, profiles */
export function composeArgs(compose: Pick<ComposeCli, "tool" | "version">, model: ProjectModel): string[] {
  if (compose.tool === "podman-compose") {
    const unsupported = [
      ...model.envFiles.map((f) => `--env-file ${f}`),
      ...model.profiles.map((p) => `--profile ${p}`),
    ];
    if (unsupported.length > 0) {
      throw new KilnError(
        "ERR_KILN_USAGE",
        `podman-compose ${compose.version} has no ${unsupported.join(", ")}: it would start a different project than kiln baked`,
        {
          hint: "use docker compose against Podman's socket (unset KILN_COMPOSE; DOCKER_HOST=unix:///run/podman/podman.sock)",
        },
      );
    }
    return ["-p", model.name, ...model.files.flatMap((f) => ["-f", f])];
  }
  return [
    "--project-name",
    model.name,
    "--project-directory",
    model.projectDir,
    ...model.files.flatMap((f) => ["-f", f]),
    ...model.envFiles.flatMap((f) => ["--env-file", f]),
    ...model.profiles.flatMap((p) => ["--profile", p]),
  ];
}

/** the project with kiln's override file (`bake --mode override`) as its last compose file */
async function withOverride(
  request: UpRequest,
  root: LoadProjectOptions,
  model: ProjectModel,
  files: ProjectFiles,
  ports: Pick<Ports, "project" | "state">,
): Promise<ProjectModel> {
  const override = overridePath(ports.state.dir(model.projectDir, request.env));
  if (!existsSync(override)) return model;
  const { devcontainer: _dc, ...options } = root;
  void _dc;
  return ports.project.loadFresh(
    {
      ...options,
      projectDir: model.projectDir,
      projectName: model.name,
      files: [...model.files, override],
      variant: model.variant,
    },
    files.io,
  );
}

/** services with a container whose image is not the one the (pinned) model names */
async function staleContainers(engine: Engine, model: ProjectModel, services: string[]): Promise<string[]> {
  const containers = await engine.listContainers({ all: true, labels: [`${PROJECT_LABEL}=${model.name}`] });
  const stale: string[] = [];
  for (const name of services) {
    const svc = model.services.find((s) => s.name === name);
    if (!svc?.image) continue;
    const want = await engine.imageInspect(svc.image);
    if (!want) continue;
    const mine = containers.filter((c) => c.labels[SERVICE_LABEL] === name);
    if (mine.some((c) => c.imageId !== want.id)) stale.push(name);
  }
  return stale;
}
