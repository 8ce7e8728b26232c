/**
 * RUN and COPY/ADD steps: mounts, the shell commands a RUN executes (its line, `sh -c`, or a
 * heredoc script), where a fix can insert flags or lines; the sources a COPY takes.
 */
import { parseJsonArray, splitFlags, words } from "./instruction-args.js";
import type { CopyStep, RunStep, StepBase } from "./model-types.js";
import { parseMount } from "./mounts.js";
import { shellCommands, type Command } from "./shell-commands.js";
import type { Word } from "./shell-words.js";
import type { HeredocBody, Segment } from "./source-text.js";
import { expand } from "./variables.js";

export function runStep(
  base: StepBase,
  keywordLineSeg: Segment,
  heredocs: HeredocBody[],
  posix = true,
): RunStep {
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
    posix,
  };
}

export function copyStep(base: StepBase, keyword: "COPY" | "ADD", line: Segment): CopyStep {
  const { flags, rest } = splitFlags(line);
  const from = flags.find((f) => f.name === "from")?.value;
  const json = parseJsonArray(rest.text);
  const all = json ?? (rest.text.trimStart().startsWith("<<") ? [] : words(rest).map((w) => w.value));
  const sources = all.slice(0, -1).map((s) => expand(s, base.scope));
  const dest = all.length > 1 ? expand(all[all.length - 1], base.scope) : "";
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
    dest,
    from,
  };
}

/** Parses a Dockerfile. Never throws on any input. */
