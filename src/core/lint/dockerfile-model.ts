/**
 * A Dockerfile as the linter needs it: stages (with the stage they build on), and per stage
 * the RUN and COPY steps with the build state in force at each one — variables in scope,
 * USER, WORKDIR, mounts and the shell commands a RUN executes. Instructions come from our own
 * splitter (instructions.ts); the text inside them is read by source-text/shell-words.
 */
import { parseJsonArray, splitFlags, words } from "./instruction-args.js";
import { splitInstructions } from "./instructions.js";
import type { DockerfileModel, Stage, Step, StepBase } from "./model-types.js";
import { copyStep, runStep } from "./model-steps.js";
import { normalizePath } from "./mounts.js";
import { slice, type Segment } from "./source-text.js";
import { expand } from "./variables.js";

export type { CopyStep, DockerfileModel, RunStep, Stage, Step } from "./model-types.js";

export function homeOf(user: string | undefined): string {
  const name = user?.split(":")[0];
  if (name === undefined || name === "" || name === "root" || name === "0") return "/root";
  return `/home/${name}`;
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
    ...(parent?.shell === undefined ? {} : { shell: parent.shell }),
  };
  stages.push(stage);
  b.stage = stage;
  b.scope = new Map(stage.env);
  if (stage.user === undefined) delete b.user;
  else b.user = stage.user;
  b.workdir = stage.workdir;
}

export function buildModel(text: string): DockerfileModel {
  const lines = text.split("\n");
  const model: DockerfileModel = { text, lines, stages: [] };
  const { instructions } = splitInstructions(text);
  const b: Builder = { model, globals: new Map(), scope: new Map(), workdir: "/" };
  for (const inst of instructions) {
    let keyword = inst.keyword;
    let line = inst.line;
    let onbuild = false;
    if (keyword === "ONBUILD") {
      const { keywordEnd } = splitFlags(line);
      line = slice(line, keywordEnd, line.text.length);
      keyword = (/^\S+/.exec(line.text)?.[0] ?? "").toUpperCase();
      onbuild = true;
    }
    const lineNo = inst.startLine + 1;
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
    if (!onbuild && keyword === "SHELL") {
      const shell = parseJsonArray(rest().text);
      if (shell !== undefined && shell.length > 0) stage.shell = shell;
      continue;
    }
    if (keyword !== "RUN" && keyword !== "COPY" && keyword !== "ADD") continue;
    const base: StepBase = {
      line: lineNo,
      endLine: inst.endLine + 1,
      start: text.lastIndexOf("\n", inst.start - 1) + 1,
      end: inst.end,
      stage,
      onbuild,
      scope: scopeWithHome(b),
      user: b.user,
      workdir: b.workdir,
    };
    stage.steps.push(
      keyword === "RUN"
        ? runStep(base, line, inst.heredocs, isPosix(stage.shell))
        : copyStep(base, keyword, line),
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

/** SHELL ["powershell", …] or ["cmd", "/S", "/C"] does not run sh syntax */
export function isPosix(shell: string[] | undefined): boolean {
  if (shell === undefined) return true;
  const name = (shell[0] ?? "").replace(/\\/g, "/").split("/").pop()!.toLowerCase();
  return /^(ba|da|a|z|k|mk)?sh$/.test(name);
}

export function isRoot(user: string | undefined): boolean {
  const name = user?.split(":")[0];
  return name === undefined || name === "" || name === "root" || name === "0";
}
