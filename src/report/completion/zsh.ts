/** The zsh completion script (`kiln completion zsh`). */
import { allCommands, dq, inheritedOptions, sq, type CompletionCommand } from "./completion-model.js";
import { caseHelpers, SCAN } from "./shell-case.js";

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
