/**
 * A Dockerfile as the linter needs it: stages (with the stage they build on), and per stage
 * the RUN and COPY steps with the build state in force at each one — variables in scope,
 * USER, WORKDIR, mounts and the shell commands a RUN executes. Built on dockerfile-ast's
 * instruction ranges; the text inside an instruction is read by source-text/shell-words.
 */
import { parseMount, normalizePath, type Mount } from "./mounts.js";
import { shellCommands, type Command } from "./shell-commands.js";
import { splitInstructions } from "./instructions.js";
import { slice, type HeredocBody, type Segment } from "./source-text.js";
import { splitCommands, type Word } from "./shell-words.js";
import { expand } from "./variables.js";

interface StepBase {
  /** 1-based */
  line: number;
  endLine: number;
  /** file offsets: start of the instruction's first line, end of its last line (before \n) */
  start: number;
  end: number;
  stage: Stage;
  /** a trigger in `ONBUILD …`: runs in images built FROM this one */
  onbuild: boolean;
  /** variables in scope (ARG + ENV), HOME included */
  scope: Map<string, string>;
  /** the USER in force (undefined = root) */
  user?: string;
  workdir: string;
}

export interface RunStep extends StepBase {
  kind: "run";
  /** where new `--mount=… ` flags go (right after the keyword and its blank) */
  insertAt: number;
  mounts: Mount[];
  commands: Command[];
  /** the shell script segments (the RUN line and/or heredoc scripts), in order */
  scripts: Segment[];
  /** where a line can be put before the script runs: offset + whether it is a heredoc */
  scriptStart?: { offset: number; heredoc: boolean };
  execForm: boolean;
}

export interface CopyStep extends StepBase {
  kind: "copy";
  keyword: "COPY" | "ADD";
  sources: string[];
  /** `--from=` (a stage or an image): not the build context */
  from?: string;
}

export type Step = RunStep | CopyStep;

export interface Stage {
  index: number;
  name?: string;
  /** the FROM image as written (expanded) */
  base: string;
  /** the earlier stage this one is built FROM */
  parent?: Stage;
  line: number;
  steps: Step[];
  /** final values, inherited by stages built FROM this one */
  env: Map<string, string>;
  user?: string;
  workdir: string;
}

export interface DockerfileModel {
  text: string;
  lines: string[];
  stages: Stage[];
}

const FLAG = /^--([A-Za-z-]+)(?:=(.*))?$/s;

/** the home directory of a USER value when HOME is not set */
export function homeOf(user: string | undefined): string {
  const name = user?.split(":")[0];
  if (name === undefined || name === "" || name === "root" || name === "0") return "/root";
  return `/home/${name}`;
}

function words(seg: Segment): Word[] {
  return splitCommands(seg).flatMap((c) => c.words);
}

/** the words after the keyword, split into leading `--flags` and the rest (as a segment) */
function splitFlags(line: Segment): {
  keywordEnd: number;
  flags: { name: string; value: string }[];
  rest: Segment;
} {
  const t = line.text;
  let i = 0;
  while (i < t.length && /\s/.test(t[i])) i++;
  while (i < t.length && !/\s/.test(t[i])) i++; // keyword
  let j = i;
  while (j < t.length && /\s/.test(t[j])) j++;
  const keywordEnd = j;
  const flags: { name: string; value: string }[] = [];
  for (;;) {
    if (!t.startsWith("--", j)) break;
    let k = j;
    let quote = "";
    while (k < t.length && (quote !== "" || !/\s/.test(t[k]))) {
      if (quote === "" && (t[k] === '"' || t[k] === "'")) quote = t[k]!;
      else if (t[k] === quote) quote = "";
      k++;
    }
    const m = FLAG.exec(t.slice(j, k));
    if (m) flags.push({ name: m[1].toLowerCase(), value: (m[2] ?? "").replace(/^(["'])(.*)\1$/s, "$2") });
    j = k;
    while (j < t.length && /\s/.test(t[j])) j++;
  }
  return { keywordEnd, flags, rest: slice(line, j, t.length) };
}

function parseJsonArray(text: string): string[] | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith("[")) return undefined;
  try {
    const v: unknown = JSON.parse(trimmed);
    return Array.isArray(v) && v.every((x) => typeof x === "string") ? v : undefined;
  } catch {
    return undefined;
  }
}

interface Builder {
  model: DockerfileModel;
  globals: Map<string, string>;
  stage?: Stage;
  scope: Map<string, string>;
  user?: string;
  workdir: string;
}

function scopeWithHome(b: Builder): Map<string, string> {
  const scope = new Map(b.scope);
  if (!scope.has("HOME")) scope.set("HOME", homeOf(b.user));
  return scope;
}

function readProperties(
  rest: Segment,
  scope: Map<string, string>,
  arg: boolean,
  globals?: Map<string, string>,
): [string, string | undefined][] {
  const ws = words(rest);
  if (ws.length === 0) return [];
  const first = ws[0].value;
  if (!arg && !first.includes("=")) {
    // legacy `ENV KEY value with spaces`
    return [
      [
        first,
        expand(
          ws
            .slice(1)
            .map((w) => w.value)
            .join(" "),
          scope,
        ),
      ],
    ];
  }
  return ws.map((w) => {
    const eq = w.value.indexOf("=");
    if (eq === -1) return [w.value, globals?.get(w.value)];
    return [w.value.slice(0, eq), expand(w.value.slice(eq + 1), scope)];
  });
}

function startStage(b: Builder, rest: Segment, line: number): void {
  const ws = words(rest).filter((w) => !w.value.startsWith("--"));
  const base = expand(ws[0]?.value ?? "", b.globals);
  const name = ws.length >= 3 && ws[1].value.toLowerCase() === "as" ? ws[2].value.toLowerCase() : undefined;
  const stages = b.model.stages;
  const parent =
    stages.find((s) => s.name !== undefined && s.name === base.toLowerCase()) ??
    (/^\d+$/.test(base) ? stages[Number(base)] : undefined);
  const stage: Stage = {
    index: stages.length,
    ...(name === undefined ? {} : { name }),
    base,
    ...(parent === undefined ? {} : { parent }),
    line,
    steps: [],
    env: new Map(parent?.env ?? []),
    ...(parent?.user === undefined ? {} : { user: parent.user }),
    workdir: parent?.workdir ?? "/",
  };
  stages.push(stage);
  b.stage = stage;
  b.scope = new Map(stage.env);
  if (stage.user === undefined) delete b.user;
  else b.user = stage.user;
  b.workdir = stage.workdir;
}

function runStep(base: StepBase, keywordLineSeg: Segment, heredocs: HeredocBody[]): RunStep {
  const { keywordEnd, flags, rest } = splitFlags(keywordLineSeg);
  const insertAt = keywordLineSeg.offs[keywordEnd] ?? base.end;
  const mounts = flags
    .filter((f) => f.name === "mount")
    .map((f) => parseMount(f.value, base.scope, base.workdir));
  const json = parseJsonArray(rest.text);
  const scripts: Segment[] = [];
  let scriptStart: RunStep["scriptStart"];
  const execForm = json !== undefined;
  let commands: Command[] = [];
  if (json !== undefined) {
    const c = json.indexOf("-c");
    if (/(^|\/)(ba|da|a|z)?sh$/.test(json[0] ?? "") && c !== -1 && json[c + 1] !== undefined) {
      commands = shellCommands({ text: json[c + 1], offs: new Array<number>(json[c + 1].length).fill(-1) });
    } else if (json.length > 0) {
      const fake = (v: string): Word => ({ value: v, offs: [], start: -1, end: -1 });
      const name = json[0].slice(json[0].lastIndexOf("/") + 1);
      commands = [
        {
          name,
          program: fake(json[0]),
          args: json.slice(1).map(fake),
          env: {},
          after: "",
          start: -1,
          end: -1,
          group: 0,
        },
      ];
    }
  } else {
    const trimmed = rest.text.trimStart();
    // `RUN <<EOF` and `RUN bash <<EOF` run the heredoc as the script; otherwise it is data
    const scriptHeredoc = /^(<<|(\S*\/)?(ba|da|a)?sh(\s+-\S+)*\s+<<)/.test(trimmed);
    if (!trimmed.startsWith("<<")) {
      scripts.push(rest);
      if (rest.offs.length > 0) scriptStart = { offset: rest.offs[0], heredoc: false };
    }
    if (scriptHeredoc && heredocs[0]) {
      const body = heredocs[0].body;
      scripts.push(body);
      if (body.offs.length > 0) {
        const shebang = body.text.startsWith("#!") ? body.text.indexOf("\n") + 1 : 0;
        if (body.offs[shebang] !== undefined) scriptStart = { offset: body.offs[shebang], heredoc: true };
      }
    }
    for (const s of scripts) commands.push(...shellCommands(s));
  }
  // built field by field: object spread here was the linter's hottest line
  return {
    line: base.line,
    endLine: base.endLine,
    start: base.start,
    end: base.end,
    stage: base.stage,
    onbuild: base.onbuild,
    scope: base.scope,
    user: base.user,
    workdir: base.workdir,
    kind: "run",
    insertAt,
    mounts,
    commands,
    scripts,
    scriptStart,
    execForm,
  };
}

function copyStep(base: StepBase, keyword: "COPY" | "ADD", line: Segment): CopyStep {
  const { flags, rest } = splitFlags(line);
  const from = flags.find((f) => f.name === "from")?.value;
  const json = parseJsonArray(rest.text);
  const all = json ?? (rest.text.trimStart().startsWith("<<") ? [] : words(rest).map((w) => w.value));
  const sources = all.slice(0, -1).map((s) => expand(s, base.scope));
  return {
    line: base.line,
    endLine: base.endLine,
    start: base.start,
    end: base.end,
    stage: base.stage,
    onbuild: base.onbuild,
    scope: base.scope,
    user: base.user,
    workdir: base.workdir,
    kind: "copy",
    keyword,
    sources,
    from,
  };
}

/** Parses a Dockerfile. Never throws on any input. */
export function buildModel(text: string): DockerfileModel {
  const lines = text.split("\n");
  const model: DockerfileModel = { text, lines, stages: [] };
  const { instructions } = splitInstructions(text);
  const b: Builder = { model, globals: new Map(), scope: new Map(), workdir: "/" };
  for (const inst of instructions) {
    const range = { start: { line: inst.startLine }, end: { line: inst.endLine } };
    const end = inst.end;
    const logical = inst;
    let keyword = inst.keyword;
    let line = logical.line;
    let onbuild = false;
    if (keyword === "ONBUILD") {
      const { keywordEnd } = splitFlags(line);
      line = slice(line, keywordEnd, line.text.length);
      keyword = (/^\S+/.exec(line.text)?.[0] ?? "").toUpperCase();
      onbuild = true;
    }
    const lineNo = range.start.line + 1;
    if (keyword === "FROM") {
      startStage(b, splitFlags(line).rest, lineNo);
      continue;
    }
    const rest = (): Segment => splitFlags(line).rest;
    if (b.stage === undefined) {
      if (keyword === "ARG")
        for (const [k, v] of readProperties(rest(), b.globals, true)) b.globals.set(k, v ?? "");
      continue;
    }
    const stage = b.stage;
    if (!onbuild && keyword === "ARG") {
      for (const [k, v] of readProperties(rest(), b.scope, true, b.globals))
        if (v !== undefined || !b.scope.has(k)) b.scope.set(k, v ?? "");
      continue;
    }
    if (!onbuild && keyword === "ENV") {
      for (const [k, v] of readProperties(rest(), b.scope, false)) {
        b.scope.set(k, v ?? "");
        stage.env.set(k, v ?? "");
      }
      continue;
    }
    if (!onbuild && keyword === "USER") {
      const user = expand(words(rest())[0]?.value ?? "", b.scope);
      b.user = user;
      stage.user = user;
      continue;
    }
    if (!onbuild && keyword === "WORKDIR") {
      const dir = expand(words(rest())[0]?.value ?? "", b.scope);
      b.workdir = normalizePath(dir.startsWith("/") ? dir : `${b.workdir}/${dir}`);
      stage.workdir = b.workdir;
      continue;
    }
    if (keyword !== "RUN" && keyword !== "COPY" && keyword !== "ADD") continue;
    const base: StepBase = {
      line: lineNo,
      endLine: range.end.line + 1,
      start: text.lastIndexOf("\n", inst.start - 1) + 1,
      end,
      stage,
      onbuild,
      scope: scopeWithHome(b),
      user: b.user,
      workdir: b.workdir,
    };
    stage.steps.push(
      keyword === "RUN" ? runStep(base, line, logical.heredocs) : copyStep(base, keyword, line),
    );
  }
  return model;
}

/** A stage and the stages it is built on, outermost first: the steps that shape its image. */
export function stageChain(stage: Stage): Stage[] {
  const chain: Stage[] = [];
  for (let s: Stage | undefined = stage; s !== undefined && chain.length < 64; s = s.parent) chain.unshift(s);
  return chain;
}

/** Every non-ONBUILD step that ran before `step` in its image (parent stages included). */
export function stepsBefore(step: Step): Step[] {
  const out: Step[] = [];
  for (const s of stageChain(step.stage)) {
    for (const st of s.steps) {
      if (st === step) return out;
      if (!st.onbuild) out.push(st);
    }
  }
  return out;
}

export function isRoot(user: string | undefined): boolean {
  const name = user?.split(":")[0];
  return name === undefined || name === "" || name === "root" || name === "0";
}
