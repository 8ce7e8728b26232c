/** The fish completion script (`kiln completion fish`). */
import {
  allCommands,
  inheritedOptions,
  sq,
  type CompletionCommand,
  type CompletionOption,
} from "./completion-model.js";

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
