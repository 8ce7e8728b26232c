/**
 * Parses buildx's `--progress=rawjson`: a stream of (pretty-printed) JSON SolveStatus objects,
 * each with `vertexes` (digest, name, started, completed, cached, error) and `logs`
 * (vertex, base64 data).
 */
import type { BuildEvent, StepState } from "./events.js";

interface Vertex {
  digest: string;
  name?: string;
  started?: string;
  completed?: string;
  cached?: boolean;
  error?: string;
}
interface Log {
  vertex: string;
  data?: string;
}
interface Status {
  id?: string;
  vertex?: string;
  current?: number;
}
interface SolveStatus {
  vertexes?: Vertex[];
  logs?: Log[];
  statuses?: Status[];
}

/** Splits a character stream into top-level JSON object texts. */
export class JsonObjectSplitter {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private buf = "";

  /** no object is open: the next character outside `{` is plain text */
  get idle(): boolean {
    return this.depth === 0;
  }

  push(chunk: string): string[] {
    const out: string[] = [];
    for (const ch of chunk) {
      if (this.depth === 0 && ch !== "{") continue;
      this.buf += ch;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (ch === "\\") this.escaped = true;
        else if (ch === '"') this.inString = false;
        continue;
      }
      if (ch === '"') this.inString = true;
      else if (ch === "{") this.depth += 1;
      else if (ch === "}") {
        this.depth -= 1;
        if (this.depth === 0) {
          out.push(this.buf);
          this.buf = "";
        }
      }
    }
    return out;
  }
}

export class RawJsonProgressParser {
  private readonly splitter = new JsonObjectSplitter();
  private readonly names = new Map<string, string>();
  private readonly reported = new Map<string, StepState>();
  private readonly partial = new Map<string, string>();
  /** the last lines outside the JSON stream: buildx's closing `ERROR: …` and the like */
  readonly messages: string[] = [];

  /** feed a line (or any chunk) of stderr */
  push(chunk: string): BuildEvent[] {
    const events: BuildEvent[] = [];
    if (this.splitter.idle && !chunk.trimStart().startsWith("{") && chunk.trim() !== "") {
      this.messages.push(chunk.trimEnd());
      if (this.messages.length > 20) this.messages.shift();
    }
    for (const text of this.splitter.push(`${chunk}\n`)) {
      let status: SolveStatus;
      try {
        status = JSON.parse(text) as SolveStatus;
      } catch {
        continue;
      }
      for (const v of status.vertexes ?? []) events.push(...this.vertex(v));
      for (const l of status.logs ?? []) events.push(...this.log(l));
      for (const st of status.statuses ?? []) {
        if (st.id?.startsWith("transferring context") === true && typeof st.current === "number")
          events.push({ type: "context", bytes: st.current });
      }
    }
    return events;
  }

  private vertex(v: Vertex): BuildEvent[] {
    if (v.name) this.names.set(v.digest, v.name);
    const name = this.names.get(v.digest) ?? v.digest;
    let state: StepState | undefined;
    if (v.error) state = "error";
    else if (v.cached) state = "cached";
    else if (v.completed) state = "done";
    else if (v.started) state = "started";
    if (!state || this.reported.get(v.digest) === state) return [];
    this.reported.set(v.digest, state);
    const durationMs =
      v.started && v.completed ? Math.max(0, Date.parse(v.completed) - Date.parse(v.started)) : undefined;
    return [
      {
        type: "step",
        id: v.digest,
        name,
        state,
        ...(durationMs === undefined ? {} : { durationMs }),
        ...(v.error ? { error: v.error } : {}),
      },
    ];
  }

  private log(l: Log): BuildEvent[] {
    if (!l.data) return [];
    const text = (this.partial.get(l.vertex) ?? "") + Buffer.from(l.data, "base64").toString("utf8");
    const lines = text.split(/\r?\n/);
    this.partial.set(l.vertex, lines.pop() ?? "");
    return lines.map((line) => ({ type: "log" as const, id: l.vertex, line }));
  }
}
