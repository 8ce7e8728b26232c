import { DockerfileParser } from "dockerfile-ast";
import { describe, expect, it } from "vitest";
import { buildModel } from "../../../src/core/lint/dockerfile-model.js";
import { splitInstructions } from "../../../src/core/lint/instructions.js";
import { shellCommands } from "../../../src/core/lint/shell-commands.js";
import { df } from "./helpers.js";

const SAMPLES = [
  df(
    "# syntax=docker/dockerfile:1",
    "# escape=\\",
    "FROM debian AS base",
    "",
    "# comment",
    "RUN apt-get update && \\",
    "  # inside",
    "",
    "  apt-get install -y curl",
    "COPY . /app",
  ),
  "# escape=`\r\nFROM mcr.microsoft.com/windows/servercore\r\nRUN echo a `\r\n  && echo b\r\nCMD x\r\n",
  df(
    "FROM a",
    "RUN <<EOF",
    "apt-get update",
    "EOF",
    "COPY <<-EOT /x",
    "\thello",
    "\tEOT",
    "RUN cat <<A <<B",
    "a",
    "A",
    "b",
    "B",
    "ENV X=1",
  ),
  df(
    "ARG BASE=debian",
    "FROM ${BASE}",
    "ONBUILD RUN npm ci",
    "ONBUILD COPY . .",
    "HEALTHCHECK CMD curl -f localhost || exit 1",
  ),
  df("FROM a", "RUN echo 'unterminated \\", "  still", "LABEL a=b"),
  "FROM a\nRUN x \\",
];

describe("splitInstructions agrees with dockerfile-ast on instruction boundaries", () => {
  for (const [n, text] of SAMPLES.entries()) {
    it(`sample ${n}`, () => {
      const ours = splitInstructions(text).instructions.map((i) => [i.keyword, i.startLine, i.endLine]);
      const theirs = DockerfileParser.parse(text)
        .getInstructions()
        .map((i) => [i.getKeyword().toUpperCase(), i.getRange().start.line, i.getRange().end.line]);
      expect(ours).toEqual(theirs);
    });
  }
  it("reads the escape directive", () => {
    expect(splitInstructions(SAMPLES[1]).escape).toBe("`");
    expect(splitInstructions(SAMPLES[0]).escape).toBe("\\");
  });
});

describe("the shell reader", () => {
  const names = (script: string): string[] =>
    shellCommands({ text: script, offs: [...script].map((_, i) => i) }).map((c) => c.name);
  it("splits on && || ; | and newlines, peels prefixes", () => {
    expect(
      names(
        "set -eux; DEBIAN_FRONTEND=noninteractive sudo -E apt-get install -y x && /usr/bin/pip3 install y || true | tee log",
      ),
    ).toEqual(["set", "apt-get", "pip3", "true", "tee"]);
    expect(names("if [ -f x ]; then npm ci; else yarn; fi")).toEqual(["[", "npm", "yarn"]);
    expect(names("env A=1 B=2 python3 -m pip install x")).toEqual(["python3"]);
  });
  it("opens sh -c / bash -ec scripts and eval", () => {
    expect(names(`sh -c "apt-get update && apt-get install -y curl"`)).toEqual(["apt-get", "apt-get"]);
    expect(names(`bash -ec 'npm ci; npm run build'`)).toEqual(["npm", "npm"]);
  });
  it("keeps quoted operators and substitutions inside words, drops redirections", () => {
    const text = `echo "a && b" 'c;d' $(apt-get x) > /dev/null 2>&1 && ls`;
    const cmds = shellCommands({ text, offs: [...text].map((_, i) => i) });
    expect(cmds.map((c) => c.name)).toEqual(["echo", "ls"]);
    expect(cmds[0].args.map((a) => a.value)).toEqual(["a && b", "c;d", "$(apt-get x)"]);
  });
  it("maps each word back to its file offsets", () => {
    const text = `npm  install --no-audit`;
    const [cmd] = shellCommands({ text, offs: [...text].map((_, i) => i + 100) });
    expect(cmd.args[0].start).toBe(105);
    expect(cmd.args[1].end).toBe(100 + text.length);
  });
});

describe("the model", () => {
  it("tracks stages, parents, USER, WORKDIR, ENV and ARG scope", () => {
    const m = buildModel(
      df(
        "ARG V=3.12",
        "FROM python:${V} AS base",
        "ARG V",
        "ENV HOME=/h APP=/srv",
        "USER app",
        "WORKDIR app",
        "RUN --mount=type=cache,target=$HOME/.cache,id=c x",
        "FROM base",
        "RUN y",
      ),
    );
    expect(m.stages.map((s) => [s.name, s.base, s.parent?.name])).toEqual([
      ["base", "python:3.12", undefined],
      [undefined, "base", "base"],
    ]);
    const run = m.stages[0].steps[0];
    expect(run.kind === "run" && run.mounts[0]).toMatchObject({
      type: "cache",
      target: "/h/.cache",
      id: "c",
    });
    expect(run.user).toBe("app");
    expect(run.workdir).toBe("/app");
    expect(run.scope.get("V")).toBe("3.12");
    const child = m.stages[1].steps[0];
    expect([child.user, child.scope.get("APP"), child.scope.has("V")]).toEqual(["app", "/srv", false]);
  });
});
