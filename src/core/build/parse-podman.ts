/**
 * Parses `podman build` (Buildah) output into kiln's step events. Buildah has no BuildKit
 * progress stream; what it prints (stdout; errors on stderr), measured with Podman 4.3.1:
 *   [1/2] STEP 2/3: RUN apt-get …     a step starts (the `[i/n] ` stage prefix only when multi-stage)
 *   --> Using cache 4d100dea9990…     that step was taken from the layer cache
 *   --> 4d100dea999                   the step's layer is committed (after running, or after a cache hit)
 *   Error: building at STEP "RUN false": …    the build failed at that step
 * Only RUN / COPY / ADD / WORKDIR become steps, as in BuildKit (ARG, ENV, LABEL… are metadata
 * there; FROM is never counted), so step tallies compare across engines.
 */
import type { BuildEvent } from "./events.js";

const STEP = /^(?:\[(\d+)\/(\d+)\] )?STEP (\d+)\/(\d+): (.*)$/;
const USING_CACHE = /^--> Using cache [0-9a-f]+/;
const COMMITTED = /^--> [0-9a-f]{6,}$/;
const FAILED = /^(?:Error: )?building at STEP "(.*)": (.*)$/;
const COUNTED = /^(RUN|COPY|ADD|WORKDIR)\b/i;

interface Open {
  id: string;
  name: string;
  counted: boolean;
  started: number;
  cached: boolean;
}

export class PodmanProgressParser {
  private current: Open | undefined;
  /** podman's own error lines (`Error: …`), for the failure message */
  readonly messages: string[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  push(line: string): BuildEvent[] {
    if (/^Error: /.test(line)) {
      this.messages.push(line.trimEnd());
      if (this.messages.length > 20) this.messages.shift();
    }
    const step = STEP.exec(line);
    if (step) {
      const out = this.finish();
      const stage = step[1] ? `stage-${Number(step[1]) - 1} ` : "";
      const instruction = step[5] ?? "";
      const name = `[${stage}${step[3]}/${step[4]}] ${instruction}`;
      this.current = {
        id: `${step[1] ?? "1"}.${step[3]}`,
        name,
        counted: COUNTED.test(instruction),
        started: this.now(),
        cached: false,
      };
      if (this.current.counted) out.push({ type: "step", id: this.current.id, name, state: "started" });
      return out;
    }
    const c = this.current;
    if (c && USING_CACHE.test(line)) {
      c.cached = true;
      return [];
    }
    if (c && COMMITTED.test(line)) return this.finish();
    const failed = FAILED.exec(line);
    if (failed) {
      const open = this.current;
      this.current = undefined;
      const name = open?.name ?? failed[1] ?? "";
      return [{ type: "step", id: open?.id ?? "error", name, state: "error", error: failed[2] ?? "" }];
    }
    return [{ type: "log", id: c?.id ?? "0", line }];
  }

  /** the end of the output: a step still open when podman exits 0 (the last one) is done */
  end(): BuildEvent[] {
    return this.finish();
  }

  private finish(): BuildEvent[] {
    const c = this.current;
    this.current = undefined;
    if (!c || !c.counted) return [];
    if (c.cached) return [{ type: "step", id: c.id, name: c.name, state: "cached" }];
    return [{ type: "step", id: c.id, name: c.name, state: "done", durationMs: this.now() - c.started }];
  }
}
