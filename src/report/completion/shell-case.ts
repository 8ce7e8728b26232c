/** The parts of the bash and zsh completion scripts that share shell syntax. */
import { allCommands, dq, sq, type CompletionCommand } from "./completion-model.js";

/** shell `case` arms shared by bash and zsh (same syntax) */
export function caseHelpers(root: CompletionCommand, prefix: string): string[] {
  const cmds = allCommands(root);
  const out: string[] = [];
  const globalValue = root.options.filter((o) => o.takesValue).flatMap((o) => o.flags);
  const arms = (pairs: [string, string][]): string[] =>
    pairs.map(([pattern, body]) => `    ${pattern}) ${body} ;;`);

  out.push(`${prefix}_takes_value() {`, '  case "$1|$2" in');
  const takes: [string, string][] = [];
  if (globalValue.length) takes.push([globalValue.map((f) => `*${dq(`|${f}`)}`).join("|"), "return 0"]);
  for (const c of cmds.slice(1)) {
    const flags = c.options.filter((o) => o.takesValue).flatMap((o) => o.flags);
    if (flags.length) takes.push([flags.map((f) => dq(`${c.path}|${f}`)).join("|"), "return 0"]);
  }
  out.push(...arms(takes), "  esac", "  return 1", "}");

  out.push(`${prefix}_choices() {`, '  case "$1|$2" in');
  const choices: [string, string][] = [];
  for (const c of cmds) {
    for (const o of c.options.filter((x) => x.takesValue && x.choices.length)) {
      const pattern = o.flags
        .map((f) => (c.path === "" ? `*${dq(`|${f}`)}` : dq(`${c.path}|${f}`)))
        .join("|");
      choices.push([pattern, `echo ${sq(o.choices.join(" "))}`]);
    }
  }
  out.push(...arms(choices), "  esac", "}");

  out.push(`${prefix}_args() {`, '  case "$1" in');
  out.push(
    ...arms(
      cmds.filter((c) => c.argChoices.length).map((c) => [dq(c.path), `echo ${sq(c.argChoices.join(" "))}`]),
    ),
  );
  out.push("  esac", "}");

  out.push(`${prefix}_is_subcommand() {`, '  case "$1|$2" in');
  const subs: [string, string][] = cmds
    .filter((c) => c.subcommands.length)
    .map((c) => [c.subcommands.map((s) => dq(`${c.path}|${s.name}`)).join("|"), "return 0"]);
  out.push(...arms(subs), "  esac", "  return 1", "}");
  return out;
}

/** the loop that finds which (sub)command the words so far select; `$words_` and `$count_` given */
export const SCAN = (prefix: string, first: number, word: (i: string) => string): string[] => [
  '  local cmdpath="" w i skip=0',
  `  for ((i = ${first}; i < count_; i++)); do`,
  `    w=${word("i")}`,
  "    if ((skip)); then skip=0; continue; fi",
  '    case "$w" in',
  "      --*=*) continue ;;",
  `      -*) if ${prefix}_takes_value "$cmdpath" "$w"; then skip=1; fi; continue ;;`,
  "    esac",
  `    if ${prefix}_is_subcommand "$cmdpath" "$w"; then cmdpath="\${cmdpath:+$cmdpath }$w"; fi`,
  "  done",
];
