/**
 * Runs one BuildKit build through the detected client and streams step events.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { KilnError } from "../../core/errors.js";
import { buildArgs, podmanRefusal, type BuildRequest } from "../../core/build/docker-build-args.js";
import { seesEngineImages } from "../../core/build/builder-inspect.js";
import { StepCounter, type BuildEvent, type StepTally } from "../../core/build/events.js";
import { PlainProgressParser } from "../../core/build/parse-plain.js";
import { PodmanProgressParser } from "../../core/build/parse-podman.js";
import { podmanLockRefusal, podmanLockRewrite, type CacheClaim } from "../../core/build/podman-locks.js";
import { RawJsonProgressParser } from "../../core/build/parse-rawjson.js";
import { describeBuildFailure, type BuildFailure } from "../../core/build/failure.js";
import { ProcessError, runProcess, type ProcessRunner } from "../process-runner.js";
import { podmanCacheClaims } from "./cache-claims.js";
import { pluginCall } from "./buildx-plugin.js";
import type { DockerClient } from "./client.js";

export interface BuildOutcome {
  imageId: string;
  steps: StepTally;
  durationMs: number;
}

export interface BuildRunOptions {
  onEvent?: (event: BuildEvent) => void;
  signal?: AbortSignal;
  runner?: ProcessRunner;
  /** extra environment for the build process */
  env?: NodeJS.ProcessEnv;
}

/** the lines of a stderr tail that are neither progress JSON (it may start mid-object) nor `#N` lines */
function plainLines(text: string): string[] {
  return text.split("\n").filter((l) => l.trim() !== "" && !/^\s*["{}[\]]/.test(l) && !/^#\d+ /.test(l));
}

export async function runBuild(
  client: DockerClient,
  req: BuildRequest,
  options: BuildRunOptions = {},
): Promise<BuildOutcome> {
  // where a failing line is: the user's Dockerfile, also when Buildah builds a copy of it
  const shownDockerfile = req.dockerfileInline === undefined ? req.dockerfile : undefined;
  let podmanCopy: string | undefined;
  let claim: CacheClaim = { exclusive: [], locked: [] };
  if (client.mode === "podman") {
    const file = req.dockerfile ?? path.join(req.context, "Dockerfile");
    let text = req.dockerfileInline;
    try {
      text ??= readFileSync(file, "utf8");
    } catch {
      // unreadable here: podman build reports it
    }
    const refusal = podmanRefusal(req);
    if (refusal) throw refusal;
    if (text !== undefined) {
      const plan = podmanLockRewrite(text);
      const cannot = plan ? undefined : podmanLockRefusal(text, req.dockerfile ?? file);
      if (cannot) throw cannot;
      if (plan) claim = plan.claim;
      podmanCopy = plan?.rewritten ?? req.dockerfileInline;
    }
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "kiln-build-"));
  const iidFile = path.join(dir, "iid");
  if (podmanCopy !== undefined) {
    // podman reads `-f -` from /dev/stdin, which a socket (node's child stdio) cannot open; and a
    // Dockerfile Buildah 1.28 would hang on is built from a rewritten copy: both go in a temp
    // file (Buildah 1.28 reads no `<Dockerfile>.dockerignore`, so the file's place changes nothing)
    const file = path.join(dir, "Dockerfile");
    writeFileSync(file, podmanCopy);
    const { dockerfileInline: _inline, ...rest } = req;
    void _inline;
    req = { ...rest, dockerfile: file };
  }
  const started = Date.now();
  let release: (() => void) | undefined;
  try {
    release = podmanCacheClaims.tryHold(claim) ?? (await podmanCacheClaims.hold(claim));
    for (let attempt = 1; ; attempt++) {
      try {
        // the run after an engine race builds without the layer cache: the cache record whose
        // layer is gone stays broken for every build that uses it, and is replaced only by a
        // build that does not (cache mounts are kept)
        return await attemptBuild(
          client,
          attempt === 1 ? req : { ...req, noCache: true },
          options,
          iidFile,
          started,
        );
      } catch (error: unknown) {
        if (!(error instanceof AttemptFailed)) throw error;
        const { failure } = error;
        if (failure.engineRace && attempt < MAX_ATTEMPTS && !options.signal?.aborted) {
          options.onEvent?.({ type: "retry", reason: failure.reason ?? failure.message });
          continue;
        }
        throw failedBuild(client, failure, error.cause, shownDockerfile);
      }
    }
  } finally {
    release?.();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** a build that failed for the engine's own reason (BuildFailure.engineRace) is run this often at most */
const MAX_ATTEMPTS = 2;

class AttemptFailed extends Error {
  constructor(
    readonly failure: BuildFailure,
    override readonly cause: ProcessError,
  ) {
    super(failure.message);
  }
}

/** one run of the build client; a failed run is an AttemptFailed with what BuildKit said */
async function attemptBuild(
  client: DockerClient,
  req: BuildRequest,
  options: BuildRunOptions,
  iidFile: string,
  started: number,
): Promise<BuildOutcome> {
  const parser =
    client.mode === "buildx"
      ? new RawJsonProgressParser()
      : client.mode === "podman"
        ? new PodmanProgressParser()
        : new PlainProgressParser();
  const counter = new StepCounter();
  const lastLog: { id: string; line: string }[] = [];
  let failed: { id: string; name: string; error?: string } | undefined;
  const onLine = (line: string): void => emit(parser.push(line));
  const emit = (events: BuildEvent[]): void => {
    for (const ev of events) {
      counter.add(ev);
      if (ev.type === "log") {
        lastLog.push({ id: ev.id, line: ev.line });
        if (lastLog.length > 200) lastLog.shift();
      } else if (ev.type === "step" && ev.state === "error")
        failed ??= { id: ev.id, name: ev.name, ...(ev.error ? { error: ev.error } : {}) };
      options.onEvent?.(ev);
    }
  };
  // the buildx plugin itself when the client found it, given what the docker CLI would give it
  const call = client.buildxPlugin ? pluginCall(client, client.buildxPlugin) : client;
  const args = [
    ...call.argv,
    ...buildArgs(client.mode, req, {
      iidFile,
      ...(client.builder ? { builder: client.builder.name } : {}),
    }),
  ];
  try {
    await (options.runner ?? runProcess)(args, {
      env: { ...call.env, ...options.env },
      ...(req.dockerfileInline === undefined ? {} : { input: req.dockerfileInline }),
      ...(options.signal ? { signal: options.signal } : {}),
      onStderrLine: onLine,
      // podman prints its steps on stdout (errors on stderr)
      ...(client.mode === "podman" ? { onStdoutLine: onLine } : {}),
    });
  } catch (error: unknown) {
    if (!(error instanceof ProcessError)) throw error;
    const failure = describeBuildFailure({
      ...(failed ? { failedStep: failed.name } : {}),
      ...(failed?.error ? { stepError: failed.error } : {}),
      stepLogs: lastLog.filter((l) => l.id === failed?.id).map((l) => l.line),
      // a client that printed nothing we could parse: its stderr tail, still no progress JSON
      messages: parser.messages.length > 0 ? parser.messages : plainLines(error.stderrTail),
    });
    throw new AttemptFailed(failure, error);
  }
  if (parser instanceof PodmanProgressParser) emit(parser.end());
  const imageId = readFileSync(iidFile, "utf8").trim();
  return { imageId, steps: counter.tally(), durationMs: Date.now() - started };
}

function failedBuild(
  client: DockerClient,
  failure: BuildFailure,
  cause: ProcessError,
  dockerfile: string | undefined,
): KilnError {
  if (failure.missingBase) {
    return new KilnError("ERR_KILN_BUILD_FAILED", failure.message, {
      cause,
      hint:
        client.builder && !seesEngineImages(client.builder)
          ? `builder "${client.builder.name}" (driver ${client.builder.driver}) reads base images from registries only, never from the engine's images: push ${failure.missingBase} to a registry that builder reaches, or build on a docker-driver builder (drop --builder / BUILDX_BUILDER)`
          : `load it (\`docker load -i FILE\`), build it, or tag a local image as ${failure.missingBase}; or override the base-image build arg (e.g. in .env) with a local image`,
    });
  }
  return new KilnError("ERR_KILN_BUILD_FAILED", failure.message, {
    cause,
    ...(failure.line !== undefined && dockerfile ? { location: `${dockerfile}:${failure.line}` } : {}),
    hint:
      failure.line !== undefined
        ? `fix line ${failure.line} of ${dockerfile ?? "the Dockerfile"}, then run the same kiln command again`
        : failure.engineRace
          ? "the engine's build cache names a layer its image store no longer has (a known engine race), and building without the layer cache did not mend it: run `docker builder prune` and the same kiln command again"
          : "fix the failing step, then run the same kiln command again (only failed and stale services are rebuilt)",
  });
}
