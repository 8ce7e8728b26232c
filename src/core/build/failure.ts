/**
 * What a failed BuildKit build says, in a few lines (#12.7): the failing step, BuildKit's own
 * error text (the `ERROR: …` line buildx prints after its rawjson stream, or the legacy client's
 * closing message) with the frontend's wrapper prefixes taken off, and the failing step's last
 * output lines — never the progress stream itself.
 */

export interface BuildFailureInput {
  /** name of the first step that failed, e.g. `[2/2] RUN make` */
  failedStep?: string;
  /** that step's own error (the vertex's `error` / `#N ERROR: …`) */
  stepError?: string;
  /** that step's last output lines */
  stepLogs: string[];
  /** stderr lines outside the progress format (the client's closing messages) */
  messages: string[];
}

export interface BuildFailure {
  message: string;
  /** BuildKit's error text, prefixes removed */
  reason?: string;
  /** the base image BuildKit could not resolve (not local, cannot be pulled) */
  missingBase?: string;
  /** Dockerfile line of a parse error */
  line?: number;
  /**
   * the engine lost a layer while exporting the image: its build cache holds a record whose layer
   * the image store no longer has (moby/moby#36573, #41595; seen in this project's CI with builds
   * of one content running at once) — not a fault of the Dockerfile, and mended by a build
   * without the layer cache
   */
  engineRace?: boolean;
}

const ENGINE_RACE = /failed to get layer|layer does not exist/;

const WRAPPERS = [
  /^ERROR:\s*/i,
  /^error:\s*/,
  /^failed to solve:\s*/,
  /^rpc error: code = \w+ desc = /,
  /^failed to solve with frontend dockerfile\.v0:\s*/,
  /^failed to create LLB definition:\s*/,
  /^failed to solve:\s*/,
];

function unwrap(text: string): string {
  let out = text.trim();
  for (let changed = true; changed;) {
    changed = false;
    for (const w of WRAPPERS) {
      const next = out.replace(w, "");
      if (next !== out) {
        out = next;
        changed = true;
      }
    }
  }
  return out;
}

/** the legacy client frames the failing step's output in `------` lines and ` > [step]:` */
function isDecoration(line: string): boolean {
  const t = line.trim();
  return t === "" || /^-+$/.test(t) || /^>\s/.test(t) || /^\d+ \|/.test(t) || /^>>>/.test(t);
}

function buildkitReason(messages: string[]): string | undefined {
  const error = [...messages].reverse().find((l) => /^ERROR:/i.test(l.trim()));
  if (error) return unwrap(error);
  const last = [...messages].reverse().find((l) => !isDecoration(l));
  return last === undefined ? undefined : unwrap(last);
}

const UNREACHABLE =
  /pull access denied|failed to do request|no such host|failed to resolve source metadata|not found|authorize|connection refused|i\/o timeout/;

function baseOf(step: string | undefined): string | undefined {
  const m = /^\[internal\] load metadata for (\S+)$/.exec(step ?? "");
  return m?.[1]?.replace(/^docker\.io\//, "").replace(/^library\//, "");
}

export function describeBuildFailure(input: BuildFailureInput): BuildFailure {
  const reason = buildkitReason(input.messages) ?? (input.stepError ? unwrap(input.stepError) : undefined);
  const base = baseOf(input.failedStep);
  if (base && reason !== undefined && UNREACHABLE.test(reason)) {
    return {
      message: `base image ${base} is not on this engine and cannot be pulled: ${reason}`,
      reason,
      missingBase: base,
    };
  }
  const line = /parse error (?:on )?line (\d+)/.exec(reason ?? "")?.[1];
  const head = `build failed${input.failedStep ? ` at ${input.failedStep}` : ""}`;
  const logs = input.stepLogs.filter((l) => l.trim() !== "").slice(-12);
  const message = [
    reason ? `${head}: ${reason}` : head,
    ...(logs.length > 0 ? ["last output of the step:", ...logs.map((l) => `  ${l}`)] : []),
  ].join("\n");
  return {
    message,
    ...(reason ? { reason } : {}),
    ...(line ? { line: Number(line) } : {}),
    ...(ENGINE_RACE.test(`${reason ?? ""}\n${input.stepError ?? ""}`) ? { engineRace: true } : {}),
  };
}
