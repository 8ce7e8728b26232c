/**
 * Runs one BuildKit build through the detected client and streams step events.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { KilnError } from "../../core/errors.js";
import { buildArgs, type BuildRequest } from "../../core/build/docker-build-args.js";
import { seesEngineImages } from "../../core/build/builder-inspect.js";
import { StepCounter, type BuildEvent, type StepTally } from "../../core/build/events.js";
import { PlainProgressParser } from "../../core/build/parse-plain.js";
import { RawJsonProgressParser } from "../../core/build/parse-rawjson.js";
import { ProcessError, runProcess, type ProcessRunner } from "../process-runner.js";
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

function missingBase(text: string): string | undefined {
  const m =
    /pull access denied for ([^\s,]+)/.exec(text) ??
    /failed to (?:resolve source metadata|do request|authorize)[^\n]*? for ([^\s:]+(?::[^\s:]+)?)/.exec(
      text,
    ) ??
    /([^\s"]+): not found/.exec(text);
  return m?.[1];
}

export async function runBuild(
  client: DockerClient,
  req: BuildRequest,
  options: BuildRunOptions = {},
): Promise<BuildOutcome> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "kiln-build-"));
  const iidFile = path.join(dir, "iid");
  const parser = client.mode === "buildx" ? new RawJsonProgressParser() : new PlainProgressParser();
  const counter = new StepCounter();
  const lastLog: string[] = [];
  let failedStep: string | undefined;
  const started = Date.now();
  const onStderrLine = (line: string): void => {
    for (const ev of parser.push(line)) {
      counter.add(ev);
      if (ev.type === "log") {
        lastLog.push(ev.line);
        if (lastLog.length > 30) lastLog.shift();
      } else if (ev.type === "step" && ev.state === "error") failedStep ??= ev.name;
      options.onEvent?.(ev);
    }
  };
  try {
    const args = [
      ...client.argv,
      ...buildArgs(client.mode, req, {
        iidFile,
        ...(client.builder ? { builder: client.builder.name } : {}),
      }),
    ];
    await (options.runner ?? runProcess)(args, {
      env: { ...client.env, ...options.env },
      ...(req.dockerfileInline === undefined ? {} : { input: req.dockerfileInline }),
      ...(options.signal ? { signal: options.signal } : {}),
      onStderrLine,
    });
    const imageId = readFileSync(iidFile, "utf8").trim();
    return { imageId, steps: counter.tally(), durationMs: Date.now() - started };
  } catch (error: unknown) {
    if (!(error instanceof ProcessError)) throw error;
    const tail = lastLog.slice(-12).join("\n");
    const base = missingBase(`${error.stderrTail}\n${tail}`);
    if (
      base &&
      /pull access denied|failed to resolve source metadata|failed to do request|authorize/.test(
        error.stderrTail,
      )
    ) {
      throw new KilnError(
        "ERR_KILN_BUILD_FAILED",
        `base image ${base} is not on this engine and cannot be pulled`,
        {
          cause: error,
          hint:
            client.builder && !seesEngineImages(client.builder)
              ? `builder "${client.builder.name}" (driver ${client.builder.driver}) reads base images from registries only, never from the engine's images: push ${base} to a registry that builder reaches, or build on a docker-driver builder (drop --builder / BUILDX_BUILDER)`
              : `load it (\`docker load -i FILE\`), build it, or tag a local image as ${base}; or override the base-image build arg (e.g. in .env) with a local image`,
        },
      );
    }
    throw new KilnError(
      "ERR_KILN_BUILD_FAILED",
      `build failed${failedStep ? ` at ${failedStep}` : ""}:\n${tail || error.stderrTail}`,
      {
        cause: error,
        hint: "fix the failing step above, then run the same kiln command again (only failed and stale services are rebuilt)",
      },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
