/**
 * `kiln completion bash|zsh|fish`: prints a completion script generated from the commander
 * program itself (its visible commands, options, option choices and argument choices), so
 * new commands complete without touching this file.
 */
import { Argument, type Command, type Help } from "commander";
import { action } from "./runtime.js";
import type { CommandResult } from "./output.js";

export type Shell = "bash" | "zsh" | "fish";
export const SHELLS: Shell[] = ["bash", "zsh", "fish"];

export interface CompletionOption {
  flags: string[];
  description: string;
  takesValue: boolean;
  choices: string[];
}

export interface CompletionCommand {
  /** "" for the program, "volumes ls" for a nested command */
  path: string;
  name: string;
  description: string;
  options: CompletionOption[];
  subcommands: CompletionCommand[];
  /** choices of its positional arguments (e.g. the shells of `completion`) */
  argChoices: string[];
}

// only words that need no quoting in any of the three shells
const SAFE_WORD = /^[\w.:@/+=-]+$/;
const safe = (words: readonly string[] | undefined): string[] =>
  (words ?? []).filter((w) => SAFE_WORD.test(w));

function firstLine(text: string): string {
  return (text.split("\n")[0] ?? "").trim();
}

export function completionModel(
  program: Command,
  help: Help = program.createHelp(),
  path = "",
  parent?: Command,
): CompletionCommand {
  const subcommands = help.visibleCommands(program).map((sub) => {
    const childPath = path ? `${path} ${sub.name()}` : sub.name();
    return completionModel(sub, help, childPath, program);
  });
  const options = help.visibleOptions(program).map((o) => ({
    flags: [o.short, o.long].filter((f): f is string => typeof f === "string"),
    description: firstLine(o.description),
    takesValue: o.required,
    choices: safe(o.argChoices),
  }));
  // `kiln help <command>`
  const argChoices =
    program.name() === "help" && parent
      ? safe(
          help
            .visibleCommands(parent)
            .map((c) => c.name())
            .filter((n) => n !== "help"),
        )
      : program.registeredArguments.flatMap((a) => safe(a.argChoices));
  return {
    path,
    name: program.name(),
    description: firstLine(program.description()),
    options,
    subcommands,
    argChoices,
  };
}

/** the program's options a subcommand accepts too (not --version; each has its own --help) */
function inheritedOptions(root: CompletionCommand): CompletionOption[] {
  return root.options.filter((o) => !o.flags.includes("--version") && !o.flags.includes("--help"));
}

function allCommands(root: CompletionCommand): CompletionCommand[] {
  return [root, ...root.subcommands.flatMap(allCommands)];
}

const sq = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;
const dq = (text: string): string => `"${text}"`;

/** shell `case` arms shared by bash and zsh (same syntax) */
function caseHelpers(root: CompletionCommand, prefix: string): string[] {
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
const SCAN = (prefix: string, first: number, word: (i: string) => string): string[] => [
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

export function bashScript(root: CompletionCommand): string {
  const cmds = allCommands(root);
  const rootFlags = root.options.flatMap((o) => o.flags);
  const globals = inheritedOptions(root).flatMap((o) => o.flags);
  const lines = [
    "# kiln completion for bash. Load it with:",
    "#   source <(kiln completion bash)",
    "# or save it as ~/.local/share/bash-completion/completions/kiln",
    ...caseHelpers(root, "_kiln"),
    "_kiln_subcommands() {",
    '  case "$1" in',
    ...cmds
      .filter((c) => c.subcommands.length)
      .map((c) => `    ${dq(c.path)}) echo ${sq(c.subcommands.map((s) => s.name).join(" "))} ;;`),
    "  esac",
    "}",
    "_kiln_options() {",
    `  local globals=${sq(globals.join(" "))}`,
    '  case "$1" in',
    `    "") echo ${sq(rootFlags.join(" "))} ;;`,
    ...cmds
      .slice(1)
      .map((c) => `    ${dq(c.path)}) echo ${sq(c.options.flatMap((o) => o.flags).join(" "))} "$globals" ;;`),
    "  esac",
    "}",
    "_kiln() {",
    '  local cur="${COMP_WORDS[COMP_CWORD]}" prev="" count_=$COMP_CWORD',
    '  if ((COMP_CWORD > 0)); then prev="${COMP_WORDS[COMP_CWORD-1]}"; fi',
    ...SCAN("_kiln", 1, (i) => `"\${COMP_WORDS[${i}]}"`),
    "  COMPREPLY=()",
    '  if [[ "$prev" == -* ]] && _kiln_takes_value "$cmdpath" "$prev"; then',
    '    local choices; choices="$(_kiln_choices "$cmdpath" "$prev")"',
    '    if [[ -n "$choices" ]]; then mapfile -t COMPREPLY < <(compgen -W "$choices" -- "$cur"); fi',
    "    return 0",
    "  fi",
    '  if [[ "$cur" == -* ]]; then',
    '    mapfile -t COMPREPLY < <(compgen -W "$(_kiln_options "$cmdpath")" -- "$cur")',
    "    return 0",
    "  fi",
    '  local words_; words_="$(_kiln_subcommands "$cmdpath")"',
    '  if [[ -z "$words_" ]]; then words_="$(_kiln_args "$cmdpath")"; fi',
    '  if [[ -n "$words_" ]]; then mapfile -t COMPREPLY < <(compgen -W "$words_" -- "$cur"); fi',
    "  return 0",
    "}",
    // -o default: file names when nothing above matched (option values, paths)
    "complete -o default -F _kiln kiln",
  ];
  return `${lines.join("\n")}\n`;
}

const zshItem = (name: string, description: string): string =>
  sq(`${name.replace(/:/g, "\\:")}:${description}`);

export function zshScript(root: CompletionCommand): string {
  const cmds = allCommands(root);
  const optionItems = (c: CompletionCommand): string[] =>
    c.options.flatMap((o) => o.flags.map((f) => zshItem(f, o.description)));
  const lines = [
    "#compdef kiln",
    "# kiln completion for zsh. Load it with:",
    "#   source <(kiln completion zsh)",
    '# or save it as "_kiln" in a folder on $fpath',
    ...caseHelpers(root, "_kiln"),
    "_kiln_describe() {",
    "  local -a items",
    '  case "$1" in',
    ...cmds
      .filter((c) => c.subcommands.length)
      .map(
        (c) =>
          `    ${dq(`commands|${c.path}`)}) items=(${c.subcommands.map((s) => zshItem(s.name, s.description)).join(" ")}) ;;`,
      ),
    `    "options|") items=(${root.options
      .filter((o) => !inheritedOptions(root).includes(o))
      .flatMap((o) => o.flags.map((f) => zshItem(f, o.description)))
      .join(" ")}) ;;`,
    ...cmds.slice(1).map((c) => `    ${dq(`options|${c.path}`)}) items=(${optionItems(c).join(" ")}) ;;`),
    "  esac",
    "  if [[ $1 == options\\|* ]]; then",
    `    items+=(${inheritedOptions(root)
      .flatMap((o) => o.flags.map((f) => zshItem(f, o.description)))
      .join(" ")})`,
    "  fi",
    "  (( ${#items} )) || return 1",
    '  _describe -t "${1%%|*}" "${1%%|*}" items',
    "}",
    "_kiln() {",
    "  local cur=${words[CURRENT]} prev=${words[CURRENT-1]} count_=$CURRENT",
    ...SCAN("_kiln", 2, (i) => `"\${words[${i}]}"`),
    '  if (( CURRENT > 2 )) && [[ $prev == -* ]] && _kiln_takes_value "$cmdpath" "$prev"; then',
    '    local -a choices; choices=(${=$(_kiln_choices "$cmdpath" "$prev")})',
    "    if (( ${#choices} )); then compadd -- $choices; else _files; fi",
    "    return",
    "  fi",
    '  if [[ $cur == -* ]]; then _kiln_describe "options|$cmdpath"; return; fi',
    '  _kiln_describe "commands|$cmdpath" && return',
    '  local -a args; args=(${=$(_kiln_args "$cmdpath")})',
    "  if (( ${#args} )); then compadd -- $args; else _files; fi",
    "}",
    'if [[ "${zsh_eval_context[-1]}" == loadautofunc ]]; then',
    '  _kiln "$@"',
    "else",
    "  compdef _kiln kiln",
    "fi",
  ];
  return `${lines.join("\n")}\n`;
}

export function fishScript(root: CompletionCommand): string {
  const cmds = allCommands(root);
  const globalValue = root.options.filter((o) => o.takesValue).flatMap((o) => o.flags);
  const lines = [
    "# kiln completion for fish. Load it with:",
    "#   kiln completion fish | source",
    "# or save it as ~/.config/fish/completions/kiln.fish",
    "function __kiln_takes_value",
    '    switch "$argv[1]|$argv[2]"',
    ...(globalValue.length
      ? [`        case ${globalValue.map((f) => sq(`*|${f}`)).join(" ")}`, "            return 0"]
      : []),
    ...cmds.slice(1).flatMap((c) => {
      const flags = c.options.filter((o) => o.takesValue).flatMap((o) => o.flags);
      return flags.length
        ? [`        case ${flags.map((f) => sq(`${c.path}|${f}`)).join(" ")}`, "            return 0"]
        : [];
    }),
    "    end",
    "    return 1",
    "end",
    "function __kiln_is_subcommand",
    '    switch "$argv[1]|$argv[2]"',
    ...cmds
      .filter((c) => c.subcommands.length)
      .flatMap((c) => [
        `        case ${c.subcommands.map((s) => sq(`${c.path}|${s.name}`)).join(" ")}`,
        "            return 0",
      ]),
    "    end",
    "    return 1",
    "end",
    "function __kiln_cmdpath",
    "    set -l tokens (commandline -opc)",
    "    set -l cmdpath ''",
    "    set -l skip 0",
    "    for w in $tokens[2..-1]",
    "        if test $skip = 1",
    "            set skip 0",
    "            continue",
    "        end",
    '        switch "$w"',
    "            case '--*=*'",
    "                continue",
    "            case '-*'",
    '                __kiln_takes_value "$cmdpath" "$w"; and set skip 1',
    "                continue",
    "        end",
    '        if __kiln_is_subcommand "$cmdpath" "$w"',
    '            test -z "$cmdpath"; and set cmdpath "$w"; or set cmdpath "$cmdpath $w"',
    "        end",
    "    end",
    '    echo "$cmdpath"',
    "end",
    "function __kiln_at",
    "    set -l p (__kiln_cmdpath)",
    '    test "$p" = "$argv[1]"',
    "end",
    "complete -c kiln -f",
  ];
  const optionLine = (o: CompletionOption, condition: string | undefined): string => {
    const parts = ["complete -c kiln"];
    if (condition !== undefined) parts.push(`-n ${sq(`__kiln_at "${condition}"`)}`);
    for (const f of o.flags)
      parts.push(
        f.startsWith("--") ? `-l ${f.slice(2)}` : f.length === 2 ? `-s ${f.slice(1)}` : `-o ${f.slice(1)}`,
      );
    if (o.takesValue) parts.push(o.choices.length ? `-x -a ${sq(o.choices.join(" "))}` : "-r -F");
    parts.push(`-d ${sq(o.description)}`);
    return parts.join(" ");
  };
  // inherited options complete everywhere; --version and --help only where they apply
  const inherited = inheritedOptions(root);
  for (const o of root.options) lines.push(optionLine(o, inherited.includes(o) ? undefined : ""));
  for (const c of cmds) {
    const at = sq(`__kiln_at "${c.path}"`);
    for (const s of c.subcommands)
      lines.push(`complete -c kiln -n ${at} -a ${s.name} -d ${sq(s.description)}`);
    if (c.path !== "") for (const o of c.options) lines.push(optionLine(o, c.path));
    if (c.argChoices.length) lines.push(`complete -c kiln -n ${at} -a ${sq(c.argChoices.join(" "))}`);
    else if (c.path !== "" && c.subcommands.length === 0) lines.push(`complete -c kiln -n ${at} -F`);
  }
  return `${lines.join("\n")}\n`;
}

export function completionScript(shell: Shell, program: Command): string {
  const root = completionModel(program);
  return shell === "bash" ? bashScript(root) : shell === "zsh" ? zshScript(root) : fishScript(root);
}

export function registerCompletion(program: Command): void {
  program
    .command("completion")
    .description("print the shell completion script for bash, zsh or fish")
    .addArgument(new Argument("<shell>", "the shell").choices(SHELLS))
    .addHelpText(
      "after",
      "\nExamples:\n" +
        "  source <(kiln completion bash)              # in ~/.bashrc\n" +
        '  kiln completion zsh > "${fpath[1]}/_kiln"\n' +
        "  kiln completion fish > ~/.config/fish/completions/kiln.fish",
    )
    .action(
      action(async (_ctx, shell: Shell): Promise<CommandResult> => {
        const script = completionScript(shell, program);
        return { data: { shell, script }, text: script };
      }),
    );
}
