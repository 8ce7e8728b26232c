/**
 * From a RUN's shell text to the commands it runs: prefixes that do not change the program
 * (`sudo`, `env`, `VAR=x`, `if`/`then`/`{`…) are peeled off and `sh -c '…'` is opened up,
 * so `apt-get`, `pip3`, `python -m pip` are seen wherever they hide.
 */
import { splitCommands, type SimpleCommand, type Word } from "./shell-words.js";
import type { Segment } from "./source-text.js";

export interface Command {
  /** the program's base name (`/usr/bin/apt-get` → `apt-get`) */
  name: string;
  /** the program word itself */
  program: Word;
  args: Word[];
  /** `VAR=value` assignments written before the program */
  env: Record<string, string>;
  /** the operator before this command in its list ("" first, "&&", ";", "|", "\n"…) */
  after: string;
  /** file offsets of the whole simple command (assignments and sudo included); -1 when unknown */
  start: number;
  end: number;
  /** commands with the same group are siblings in one list (same shell, same quotes) */
  group: number;
}

let nextGroup = 1;

const KEYWORDS = new Set([
  "if",
  "then",
  "else",
  "elif",
  "do",
  "while",
  "until",
  "!",
  "{",
  "}",
  "fi",
  "done",
  "time",
  "nohup",
  "exec",
  "command",
  "builtin",
]);
const SHELLS = new Set(["sh", "bash", "dash", "ash", "zsh", "ksh"]);
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;

export function baseName(word: string): string {
  const slash = word.lastIndexOf("/");
  return slash === -1 ? word : word.slice(slash + 1);
}

function wordSegment(w: Word): Segment {
  return { text: w.value, offs: w.offs };
}

/** `sudo [-u user] [-E] …` — the index of the program after sudo's own options */
function skipSudo(words: Word[], k: number): number {
  while (k < words.length && words[k].value.startsWith("-")) {
    const opt = words[k].value;
    k += opt === "-u" || opt === "-g" || opt === "-C" || opt === "-p" ? 2 : 1;
  }
  return k;
}

function skipEnv(words: Word[], k: number, env: Record<string, string>): number {
  while (k < words.length) {
    const v = words[k].value;
    const m = ASSIGNMENT.exec(v);
    if (m) env[m[1]] = m[2]!;
    else if (v === "-u" || v === "--unset") k++;
    else if (!v.startsWith("-")) break;
    k++;
  }
  return k;
}

function normalize(simple: SimpleCommand, depth: number, group: number, out: Command[]): void {
  const words = simple.words;
  const env: Record<string, string> = {};
  let k = 0;
  for (;;) {
    const v = words[k]?.value;
    if (v === undefined) return;
    const m = ASSIGNMENT.exec(v);
    if (m && k < words.length) {
      env[m[1]] = m[2]!;
      k++;
    } else if (KEYWORDS.has(v)) k++;
    else if (baseName(v) === "sudo") k = skipSudo(words, k + 1);
    else if (baseName(v) === "env") k = skipEnv(words, k + 1, env);
    // `corepack pnpm install` runs pnpm through corepack's shim
    else if (baseName(v) === "corepack" && /^(npm|pnpm|yarn)$/.test(words[k + 1]?.value ?? "")) k++;
    else break;
  }
  const program = words[k];
  const name = baseName(program.value);
  const args = words.slice(k + 1);
  if (SHELLS.has(name) && depth < 4) {
    // sh -c 'script' / sh -ec "script": the script is the first non-option argument after -c
    const c = args.findIndex((a) => /^-[a-z]*c[a-z]*$/.test(a.value));
    const script = c === -1 ? undefined : args.slice(c + 1).find((a) => !a.value.startsWith("-"));
    if (script) {
      for (const cmd of shellCommands(wordSegment(script), depth + 1)) out.push(cmd);
      return;
    }
  }
  if (name === "eval" && args.length > 0 && depth < 4) {
    for (const a of args) for (const cmd of shellCommands(wordSegment(a), depth + 1)) out.push(cmd);
    return;
  }
  const last = words[words.length - 1];
  const known = words[0].start >= 0;
  out.push({
    name,
    program,
    args,
    env,
    after: simple.after,
    start: known ? words[0].start : -1,
    end: known ? last.end : -1,
    group,
  });
}

/** Every command the shell text runs, in order. */
export function shellCommands(seg: Segment, depth = 0): Command[] {
  const out: Command[] = [];
  const group = nextGroup++;
  for (const simple of splitCommands(seg)) normalize(simple, depth, group, out);
  return out;
}
