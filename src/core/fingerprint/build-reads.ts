/**
 * What a build reads from its context. BuildKit's Dockerfile frontend asks the client only for
 * the paths named by the COPY/ADD sources and context bind mounts of the stages it builds
 * (dockerfile2llb's `FollowPaths`), and each step's cache key covers only the files it selects;
 * every other file in the context can change without changing the image. Where kiln cannot be
 * sure (another frontend, `COPY . …`, a variable in a source, ONBUILD, a source it cannot parse)
 * the whole context counts, and `why` says so. When in doubt, a file is included: a missed
 * change is worse than a needless rebuild.
 */
import { argDeclarations, parseInstructions, type Instruction } from "./dockerfile-instructions.js";
import { expandVars } from "./base-images.js";

export interface ContextReads {
  /** context-relative source patterns (`/`-separated, no leading `./`); absent = the whole context */
  sources?: string[];
  /** why the whole context counts (empty when `sources` is set) */
  whole: string[];
}

export interface ReadsOptions {
  /** build args as resolved (a BUILDKIT_SYNTAX arg swaps the frontend) */
  args?: Record<string, string | null>;
  target?: string;
}

export interface Stage {
  name?: string;
  /** the FROM reference as written, lower-cased */
  from: string;
  /** the FROM instruction */
  header: Instruction;
  instructions: Instruction[];
}

const DOCKERFILE_FRONTEND =
  /^(docker\.io\/)?docker\/dockerfile(-upstream)?(:[A-Za-z0-9._-]+)?(@sha256:[0-9a-f]{64})?$/;

export function contextReads(dockerfile: string, options: ReadsOptions = {}): ContextReads {
  const { whole, sources } = walkReads(dockerfile, options);
  if (whole.length > 0) return { whole };
  return { sources, whole: [] };
}

const ONBUILD_REASON = "ONBUILD instruction";

/**
 * #15.2: the sources the build names when the only reason its whole context counts is an ONBUILD
 * declaration (its triggers run in the builds FROM this image, not in this one); else undefined.
 */
export function namedSourcesBesidesOnbuild(
  dockerfile: string,
  options: ReadsOptions = {},
): string[] | undefined {
  const { whole, sources } = walkReads(dockerfile, options);
  return whole.every((w) => w === ONBUILD_REASON) ? sources : undefined;
}

function walkReads(dockerfile: string, options: ReadsOptions): { whole: string[]; sources: string[] } {
  const whole: string[] = [];
  const syntax = syntaxDirective(dockerfile) ?? options.args?.BUILDKIT_SYNTAX ?? undefined;
  if (syntax && !DOCKERFILE_FRONTEND.test(syntax))
    whole.push(`frontend ${syntax} (# syntax=) is not the Dockerfile one`);
  const instructions = parseInstructions(dockerfile);
  if (instructions.some((i) => i.keyword === "ONBUILD")) whole.push(ONBUILD_REASON);
  const stages = stagesOf(instructions);
  const scope = globalArgScope(instructions, options.args ?? {});
  const needed = neededStages(stages, options.target, (ref) => expandVars(ref, scope));
  const sources = new Set<string>();
  for (const index of needed) {
    for (const ins of stages[index].instructions) {
      for (const read of readsOf(ins)) {
        if (read.whole) whole.push(`line ${ins.line}: ${read.whole}`);
        else if (read.source !== undefined) sources.add(read.source);
      }
    }
  }
  return { whole, sources: [...sources].sort() };
}

/** `# syntax=` among the parser directives at the top */
function syntaxDirective(text: string): string | undefined {
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*#\s*([a-zA-Z]+)\s*=\s*(\S*)\s*$/.exec(line);
    if (!m) return undefined;
    if (m[1].toLowerCase() === "syntax") return m[2];
  }
  return undefined;
}

export function stagesOf(instructions: Instruction[]): Stage[] {
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === "FROM") {
      const words = ins.args.split(/\s+/).filter((w) => w !== "" && !w.startsWith("--"));
      const name = words.length >= 3 && words[1].toLowerCase() === "as" ? words[2].toLowerCase() : undefined;
      stages.push({
        from: (words[0] ?? "").toLowerCase(),
        header: ins,
        ...(name ? { name } : {}),
        instructions: [],
      });
    } else if (stages.length > 0) {
      stages[stages.length - 1].instructions.push(ins);
    }
  }
  return stages;
}

/** the stages the target needs (FROM an earlier stage, COPY --from, RUN --mount from=); all when unsure */
export function neededStages(
  stages: Stage[],
  target: string | undefined,
  expandFrom: (ref: string) => string = (ref) => ref,
): number[] {
  const all = stages.map((_, i) => i);
  if (stages.length === 0) return all;
  const byName = (ref: string, before: number): number | "unknown" | undefined => {
    if (ref.includes("$")) return "unknown";
    if (/^\d+$/.test(ref)) return Number(ref) < before ? Number(ref) : undefined;
    const lower = ref.toLowerCase();
    for (let i = before - 1; i >= 0; i--) if (stages[i].name === lower) return i;
    return undefined; // an image or a named context
  };
  let start = stages.length - 1;
  if (target !== undefined) {
    const i = stages.findIndex((s) => s.name === target.toLowerCase());
    if (i < 0) return all;
    start = i;
  }
  const seen = new Set<number>();
  const todo = [start];
  while (todo.length > 0) {
    const i = todo.pop()!;
    if (seen.has(i)) continue;
    seen.add(i);
    const refs = [expandFrom(stages[i].from), ...stages[i].instructions.flatMap(fromRefs)];
    for (const ref of refs) {
      const dep = byName(ref, i);
      if (dep === "unknown") return all;
      if (dep !== undefined) todo.push(dep);
    }
  }
  return [...seen].sort((a, b) => a - b);
}

export function fromRefs(ins: Instruction): string[] {
  if (ins.keyword === "COPY" || ins.keyword === "ADD") {
    const from = splitWords(ins.args)?.flags.get("from");
    return from === undefined ? [] : [from];
  }
  if (ins.keyword === "RUN") return mountsOf(ins.args).flatMap((m) => (m.from === undefined ? [] : [m.from]));
  return [];
}

type Read = { source: string; whole?: undefined } | { whole: string; source?: undefined };

/** the context paths one instruction reads */
export function readsOf(ins: Instruction): Read[] {
  if (ins.keyword === "COPY" || ins.keyword === "ADD") {
    const words = splitWords(ins.args);
    if (!words) return [{ whole: `cannot read the sources of ${ins.keyword} ${ins.args}` }];
    if (words.flags.has("from")) return [];
    const sources = words.rest.slice(0, -1).filter((s) => !s.startsWith("<<"));
    const out: Read[] = [];
    for (const raw of sources) {
      if (ins.keyword === "ADD" && (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) || raw.startsWith("git@"))) continue;
      out.push(cleanSource(raw, `${ins.keyword} ${raw}`));
    }
    return out;
  }
  if (ins.keyword === "RUN") {
    const out: Read[] = [];
    for (const mount of mountsOf(ins.args)) {
      if (mount.unparsed) out.push({ whole: `cannot read the mount ${mount.unparsed}` });
      else if (mount.type === "bind" && mount.from === undefined) {
        out.push(
          mount.source === undefined
            ? { whole: "RUN --mount=type=bind of the whole context" }
            : cleanSource(mount.source, `RUN --mount source=${mount.source}`),
        );
      }
    }
    return out;
  }
  return [];
}

function cleanSource(raw: string, what: string): Read {
  if (/[$"'`]/.test(raw)) return { whole: `${what}: a source kiln cannot resolve (variable or quotes)` };
  const parts: string[] = [];
  for (const part of raw.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") return { whole: `${what} climbs out with ..` };
    parts.push(part);
  }
  if (parts.length === 0) return { whole: `${what} copies the whole context` };
  if (parts[0] === "**") return { whole: `${what} matches anywhere in the context` };
  return { source: parts.join("/") };
}

interface Words {
  flags: Map<string, string>;
  rest: string[];
}

/** COPY/ADD words: `--flag[=value]`s, then sources and the destination (JSON or shell form) */
function splitWords(args: string): Words | undefined {
  const flags = new Map<string, string>();
  let text = args.trim();
  for (;;) {
    const m = /^--([A-Za-z-]+)(?:=(\S*))?\s*/.exec(text);
    if (!m) break;
    flags.set(m[1].toLowerCase(), m[2] ?? "");
    text = text.slice(m[0].length);
  }
  if (text.startsWith("[")) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed) && parsed.every((w) => typeof w === "string")) return { flags, rest: parsed };
    } catch {
      // not JSON: Docker reads it as shell form
    }
  }
  const rest = text.split(/\s+/).filter((w) => w !== "");
  return rest.length >= 2 ? { flags, rest } : undefined;
}

interface Mount {
  type: string;
  source?: string;
  from?: string;
  unparsed?: string;
}

/** the `--mount=` options of a RUN (type defaults to bind) */
function mountsOf(args: string): Mount[] {
  const out: Mount[] = [];
  let text = args.trim();
  for (;;) {
    const m = /^--([A-Za-z-]+)(?:=(\S*))?\s*/.exec(text);
    if (!m) break;
    text = text.slice(m[0].length);
    if (m[1].toLowerCase() !== "mount") continue;
    const value = m[2] ?? "";
    if (/["']/.test(value)) {
      out.push({ type: "bind", unparsed: value });
      continue;
    }
    const fields = new Map<string, string>();
    for (const field of value.split(",")) {
      const eq = field.indexOf("=");
      fields.set((eq < 0 ? field : field.slice(0, eq)).toLowerCase(), eq < 0 ? "" : field.slice(eq + 1));
    }
    const source = fields.get("source") ?? fields.get("src");
    const from = fields.get("from");
    out.push({
      type: (fields.get("type") ?? "bind").toLowerCase(),
      ...(source !== undefined && source !== "" ? { source } : {}),
      ...(from !== undefined && from !== "" ? { from } : {}),
    });
  }
  return out;
}

/**
 * Whether a context entry is read: it is matched by a source (then everything under it is too)
 * or is a parent directory on the way to one. `*`, `?` match within one path segment; a segment
 * with `[` or `\` matches anything and `**` everything below (more than Docker matches, never less).
 */
export class ReadSet {
  private readonly patterns: (RegExp | "any" | "deep")[][];

  constructor(readonly sources: readonly string[]) {
    this.patterns = sources.map((s) => s.split("/").map(segmentPattern));
  }

  /** `rel`: context-relative, `/`-separated */
  wants(rel: string): boolean {
    const segs = rel.split("/");
    return this.patterns.some((pattern) => prefixMatches(segs, pattern));
  }

  get key(): string {
    return this.sources.join("\0");
  }
}

function prefixMatches(segs: string[], pattern: (RegExp | "any" | "deep")[]): boolean {
  const n = Math.min(segs.length, pattern.length);
  for (let i = 0; i < n; i++) {
    const p = pattern[i];
    if (p === "deep") return true;
    if (p === "any") continue;
    if (!p.test(segs[i])) return false;
  }
  return true;
}

function segmentPattern(segment: string): RegExp | "any" | "deep" {
  if (segment === "**") return "deep";
  if (/[[\\]/.test(segment)) return "any";
  let re = "";
  for (const ch of segment) {
    if (ch === "*") re += "[^/]*";
    else if (ch === "?") re += "[^/]";
    else re += ch.replace(/[.+^${}()|\]]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/** the global ARGs (declared before the first FROM), build args winning over defaults */
export function globalArgScope(
  instructions: Instruction[],
  args: Record<string, string | null>,
): Map<string, string> {
  const scope = new Map<string, string>();
  for (const ins of instructions) {
    if (ins.keyword === "FROM") break;
    if (ins.keyword !== "ARG") continue;
    for (const { name, value } of argDeclarations(ins.args)) {
      const given = args[name];
      if (given !== undefined && given !== null) scope.set(name, given);
      else if (value !== undefined) scope.set(name, expandVars(value, scope));
    }
  }
  return scope;
}
