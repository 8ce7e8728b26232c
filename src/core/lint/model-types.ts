/**
 * The shapes of the linter's Dockerfile model: stages and the RUN/COPY steps in them, each
 * with the build state in force. Plain data.
 */
import type { Mount } from "./mounts.js";
import type { Command } from "./shell-commands.js";
import type { Segment } from "./source-text.js";

export interface StepBase {
  /** 1-based */
  line: number;
  endLine: number;
  /** file offsets: start of the instruction's first line, end of its last line (before \n) */
  start: number;
  end: number;
  stage: Stage;
  /** a trigger in `ONBUILD …`: runs in images built FROM this one */
  onbuild: boolean;
  /** variables in scope (ARG + ENV), HOME included */
  scope: Map<string, string>;
  /** the USER in force (undefined = root) */
  user?: string;
  workdir: string;
}

export interface RunStep extends StepBase {
  kind: "run";
  /** where new `--mount=… ` flags go (right after the keyword and its blank) */
  insertAt: number;
  mounts: Mount[];
  commands: Command[];
  /** the shell script segments (the RUN line and/or heredoc scripts), in order */
  scripts: Segment[];
  /** where a line can be put before the script runs: offset + whether it is a heredoc */
  scriptStart?: { offset: number; heredoc: boolean };
  execForm: boolean;
  /** the stage's SHELL is a POSIX shell (sh, bash…): not powershell or cmd */
  posix: boolean;
}

export interface CopyStep extends StepBase {
  kind: "copy";
  keyword: "COPY" | "ADD";
  sources: string[];
  /** the destination as written (expanded); "" when unknown (heredoc COPY) */
  dest: string;
  /** `--from=` (a stage or an image): not the build context */
  from?: string;
}

export type Step = RunStep | CopyStep;

export interface Stage {
  index: number;
  name?: string;
  /** the FROM image as written (expanded) */
  base: string;
  /** the earlier stage this one is built FROM */
  parent?: Stage;
  line: number;
  steps: Step[];
  /** final values, inherited by stages built FROM this one */
  env: Map<string, string>;
  user?: string;
  workdir: string;
  /** SHELL ["…"] in force at the end of the stage; undefined = the default /bin/sh -c */
  shell?: string[];
}

export interface DockerfileModel {
  text: string;
  lines: string[];
  stages: Stage[];
}
