/**
 * `kiln completion`: the scripts are generated from the commander program; the bash one is
 * sourced in a real bash and its completion function called with COMP_WORDS.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { completionModel, completionScript } from "../../../src/cli/completion.js";
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
  it("zsh script defines _kiln with descriptions and registers it", () => {
    const script = completionScript("zsh", program);
    expect(script.startsWith("#compdef kiln\n")).toBe(true);
    expect(script).toContain("compdef _kiln kiln");
    expect(script).toMatch(/'doctor:[^']+'/);
    if (has("zsh")) {
      const file = path.join(dir, "_kiln");
      writeFileSync(file, script);
      expect(spawnSync("zsh", ["-n", file], { encoding: "utf8" }).status).toBe(0);
    }
  });

  it("fish script completes commands and options", () => {
    const script = completionScript("fish", program);
    expect(script).toContain("complete -c kiln -n '__kiln_at \"\"' -a doctor -d");
    expect(script).toContain("complete -c kiln -n '__kiln_at \"doctor\"' -l fix");
    expect(script).toContain("complete -c kiln -l progress -x -a 'auto tty plain quiet json'");
    if (has("fish")) {
      const file = path.join(dir, "kiln.fish");
      writeFileSync(file, script);
      expect(spawnSync("fish", ["--no-execute", file], { encoding: "utf8" }).status).toBe(0);
    }
  });
});
