/**
 * `kiln completion`: the scripts are generated from the commander program; the bash one is
 * sourced in a real bash and its completion function called with COMP_WORDS.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { completionModel } from "../../../src/report/completion/completion-model.js";
import { completionScript } from "../../../src/report/completion/script.js";
import { buildProgram } from "../../../src/cli/main.js";

const program = buildProgram();
const topLevel = program
  .createHelp()
  .visibleCommands(program)
  .map((c) => c.name());
const dir = mkdtempSync(path.join(os.tmpdir(), "kiln-completion-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function has(binary: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${binary}`]).status === 0;
}

/** sources the bash script and completes `words` (the last one is the word being typed) */
function completeBash(words: string[]): string[] {
  const file = path.join(dir, "kiln.bash");
  writeFileSync(file, completionScript("bash", program));
  const quoted = words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(" ");
  const r = spawnSync(
    "bash",
    [
      "--norc",
      "--noprofile",
      "-c",
      `source '${file}' && COMP_WORDS=(${quoted}) && COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)) && _kiln && printf '%s\\n' "\${COMPREPLY[@]}"`,
    ],
    { encoding: "utf8" },
  );
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return r.stdout.split("\n").filter(Boolean);
}

describe("kiln completion bash", () => {
  it("registers a completion function for kiln", () => {
    const file = path.join(dir, "reg.bash");
    writeFileSync(file, completionScript("bash", program));
    const r = spawnSync("bash", ["--norc", "-c", `source '${file}' && complete -p kiln`], {
      encoding: "utf8",
    });
    expect(r.stdout.trim()).toBe("complete -o default -F _kiln kiln");
  });

  it("completes every top-level command, and by prefix", () => {
    expect(completeBash(["kiln", ""]).sort()).toEqual([...topLevel].sort());
    expect(topLevel).toEqual(expect.arrayContaining(["doctor", "completion", "help"]));
    expect(completeBash(["kiln", "do"])).toEqual(["doctor"]);
  });

  it("completes a command's own options plus the global ones", () => {
    const opts = completeBash(["kiln", "doctor", "--"]);
    expect(opts).toEqual(
      expect.arrayContaining(["--fix", "--json", "--progress", "--help", "--project-dir"]),
    );
    expect(opts).not.toContain("--from-backup");
    expect(completeBash(["kiln", "doctor", "--f"])).toEqual(["--fix", "--file"]);
    // no duplicates; --version only at the top
    expect(new Set(opts).size).toBe(opts.length);
    expect(opts).not.toContain("--version");
    expect(completeBash(["kiln", "--v"])).toEqual(["--version"]);
  });

  it("completes option choices and skips option values when finding the command", () => {
    expect(completeBash(["kiln", "--progress", ""])).toEqual(["auto", "tty", "plain", "quiet", "json"]);
    expect(completeBash(["kiln", "doctor", "--progress", "p"])).toEqual(["plain"]);
    // `doctor` here is the value of -p, not the command
    expect(completeBash(["kiln", "-p", "doctor", "compl"])).toEqual(["completion"]);
    expect(completeBash(["kiln", "--json", "completion", ""])).toEqual(["bash", "zsh", "fish"]);
    expect(completeBash(["kiln", "help", "doc"])).toEqual(["doctor"]);
  });

  it("completes nested commands when there are any", () => {
    const withSubs = completionModel(program).subcommands.find(
      (c) => c.subcommands.length > 0 && c.name !== "help",
    );
    if (!withSubs) return;
    const names = withSubs.subcommands.map((s) => s.name);
    expect(completeBash(["kiln", withSubs.name, ""]).sort()).toEqual([...names].sort());
    const first = withSubs.subcommands[0];
    if (first) expect(completeBash(["kiln", withSubs.name, first.name, "--js"])).toEqual(["--json"]);
  });
});

describe("kiln completion zsh and fish", () => {
  it("zsh script defines _kiln with descriptions and completes in a real zsh", () => {
    const script = completionScript("zsh", program);
    expect(script.startsWith("#compdef kiln\n")).toBe(true);
    expect(script).toContain("compdef _kiln kiln");
    expect(script).toMatch(/'doctor:[^']+'/);
    if (!has("zsh")) return;
    const file = path.join(dir, "_kiln");
    writeFileSync(file, script);
    expect(spawnSync("zsh", ["-n", file], { encoding: "utf8" }).status).toBe(0);
    // zsh's completion builtins stubbed to print what they are given; the words are real
    const harness = [
      "compdef() { :; }",
      '_describe() { print -rl -- "${(@P)4}"; }',
      'compadd() { [[ $1 == -- ]] && shift; print -rl -- "$@"; }',
      '_files() { print -r -- "<files>"; }',
      `source '${file}'`,
      't() { words=("$@"); CURRENT=$#; print -- "--- $*"; _kiln; }',
      "t kiln doctor --f",
      "t kiln --progress ''",
      "t kiln -p doctor compl",
      "t kiln completion ''",
    ].join("\n");
    const r = spawnSync("zsh", ["-f", "-c", harness], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    const blocks = Object.fromEntries(
      r.stdout
        .split(/^--- /m)
        .filter(Boolean)
        .map((b) => {
          const [head = "", ...rest] = b.split("\n");
          return [head.trim(), rest.filter(Boolean)];
        }),
    );
    expect(blocks["kiln doctor --f"]).toEqual(
      expect.arrayContaining([
        "--fix:apply the safe fixes",
        "--json:print machine-readable JSON on stdout (logs stay on stderr)",
      ]),
    );
    expect(blocks["kiln --progress"]).toEqual(["auto", "tty", "plain", "quiet", "json"]);
    expect(blocks["kiln -p doctor compl"]).toEqual(
      expect.arrayContaining([expect.stringMatching(/^completion:/)]),
    );
    expect(blocks["kiln completion"]).toEqual(["bash", "zsh", "fish"]);
  });

  it("fish script completes commands, options and choices in a real fish", () => {
    const script = completionScript("fish", program);
    expect(script).toContain("complete -c kiln -n '__kiln_at \"\"' -a doctor -d");
    expect(script).toContain("complete -c kiln -n '__kiln_at \"doctor\"' -l fix");
    expect(script).toContain("complete -c kiln -l progress -x -a 'auto tty plain quiet json'");
    if (!has("fish")) return;
    const file = path.join(dir, "kiln.fish");
    writeFileSync(file, script);
    const complete = (line: string): string[] => {
      const r = spawnSync("fish", ["--no-config", "-c", `source '${file}'; complete -C '${line}'`], {
        encoding: "utf8",
      });
      expect(r.stderr).toBe("");
      return r.stdout
        .split("\n")
        .filter(Boolean)
        .map((l) => l.split("\t")[0] ?? "");
    };
    expect(complete("kiln doc")).toEqual(["doctor"]);
    expect(complete("kiln doctor --f")).toEqual(["--file", "--fix"]);
    expect(complete("kiln --progress ").sort()).toEqual(["auto", "json", "plain", "quiet", "tty"]);
    expect(complete("kiln -p doctor compl")).toEqual(["completion"]);
    expect(complete("kiln completion ").sort()).toEqual(["bash", "fish", "zsh"]);
  });
});
