/**
 * Parses BuildKit's `--progress=plain` output (the legacy client's only machine-ish format):
 *   #5 [stage-0 2/3] RUN …     a step's name, first line of #5
 *   #5 0.213 some output       a log line with its offset in seconds
 *   #5 CACHED | #5 DONE 0.2s | #5 ERROR: message
 */
import { contextBytesOf, type BuildEvent } from "./events.js";

const LINE = /^#(\d+) (.*)$/;
const DONE = /^DONE (\d+(?:\.\d+)?)s$/;
const LOG = /^\d+\.\d+ (.*)$/;

export class PlainProgressParser {
  private readonly names = new Map<string, string>();
  /** the last lines that are not `#N …` progress: the client's closing error message */
  readonly messages: string[] = [];

  push(line: string): BuildEvent[] {
    const m = LINE.exec(line);
    if (!m) {
      if (line.trim() !== "") {
        this.messages.push(line.trimEnd());
        if (this.messages.length > 20) this.messages.shift();
      }
      return [];
    }
    const id = `#${m[1]}`;
    const text = m[2] ?? "";
    const name = this.names.get(id);
    if (name === undefined) {
      this.names.set(id, text);
      return [{ type: "step", id, name: text, state: "started" }];
    }
    if (text === "CACHED") return [{ type: "step", id, name, state: "cached" }];
    const done = DONE.exec(text);
    if (done)
      return [{ type: "step", id, name, state: "done", durationMs: Math.round(Number(done[1]) * 1000) }];
    if (text === "ERROR" || text.startsWith("ERROR:")) {
      return [{ type: "step", id, name, state: "error", error: text.replace(/^ERROR:?\s*/, "") }];
    }
    if (text.startsWith("sha256:")) return [];
    const log = LOG.exec(text);
    const bytes = contextBytesOf(text);
    const events: BuildEvent[] = [{ type: "log", id, line: log ? (log[1] ?? "") : text }];
    if (bytes !== undefined) events.push({ type: "context", bytes });
    return events;
  }
}
