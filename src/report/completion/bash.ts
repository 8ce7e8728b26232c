/** The bash completion script (`kiln completion bash`). */
import { allCommands, dq, inheritedOptions, sq, type CompletionCommand } from "./completion-model.js";
import { caseHelpers, SCAN } from "./shell-case.js";

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
