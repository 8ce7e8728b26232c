/**
 * `kiln lint [PATH...]`: find (and with --fix, fix) what makes Docker builds slow — missing
 * cache mounts, installs after `COPY . .`, split apt updates, … See `kiln lint --explain RULE`.
 */
import { Option, type Command } from "commander";
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileTarget, writeFixed, type LintTarget } from "../adapters/lint-targets.js";
import { projectLintTargets } from "../app/lint-project.js";
import { shellParses } from "../adapters/shell-check.js";
import { EXIT, KilnError } from "../core/errors.js";
import { fixUntilStable, lintDockerfile } from "../core/lint/lint.js";
import { findRule, RULES } from "../core/lint/rules/index.js";
import { SEVERITY_RANK, type Finding, type LintOptions, type Severity } from "../core/lint/finding-types.js";
import { lintJson, type LintFileResult } from "../report/lint-json.js";
import { lintText } from "../report/lint-text.js";
import { lintSarif } from "../report/sarif.js";
import { colorEnabled } from "../report/color.js";
import type { CommandResult } from "./output.js";
import { action, type CommandContext } from "./runtime.js";

interface LintFlags {
  format: "text" | "json" | "sarif";
  fix?: boolean;
  rule?: string[];
  ignore?: string[];
  explain?: string;
  listRules?: boolean;
  failLevel: Severity | "none";
}

function collect(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(",")
      .map((v) => v.trim())
      .filter(Boolean),
  ];
}

function toolVersion(): string {
  try {
    return (
      JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }
    ).version;
  } catch {
    return "0.0.0";
  }
}

function checkRuleIds(ids: readonly string[], flag: string): void {
  const unknown = ids.filter((id) => findRule(id) === undefined);
  if (unknown.length > 0) {
    throw new KilnError("ERR_KILN_USAGE", `${flag}: unknown rule ${unknown.join(", ")}`, {
      hint: "`kiln lint --list-rules` lists the rule ids",
    });
  }
}

function explain(id: string): CommandResult {
  const rule = findRule(id);
  if (rule === undefined)
    throw new KilnError("ERR_KILN_USAGE", `unknown rule ${id}`, {
      hint: "`kiln lint --list-rules` lists the rule ids",
    });
  return {
    data: { id: rule.id, severity: rule.severity, summary: rule.summary, explain: rule.explain },
    text: `${rule.id} (${rule.severity}): ${rule.summary}\n\n${rule.explain}`,
  };
}

function listRules(): CommandResult {
  const width = Math.max(...RULES.map((r) => r.id.length));
  return {
    data: { rules: RULES.map((r) => ({ id: r.id, severity: r.severity, summary: r.summary })) },
    text: RULES.map((r) => `${r.id.padEnd(width)}  ${r.severity.padEnd(7)}  ${r.summary}`).join("\n"),
  };
}

export async function targetsFor(
  ctx: CommandContext,
  paths: string[],
): Promise<{ targets: LintTarget[]; projectDir: string }> {
  const cwd = process.cwd();
  const g = ctx.globals;
  const project = (dir: string): Promise<LintTarget[]> =>
    projectLintTargets({ ...g, projectDir: dir }, ctx.env, cwd, ctx.ports);
  if (paths.length === 0) return { targets: await project(g.projectDir), projectDir: g.projectDir };
  const targets: LintTarget[] = [];
  for (const p of paths) {
    if (p === "-") {
      targets.push({ display: "<stdin>", text: readFileSync(0, "utf8"), services: [] });
      continue;
    }
    let isDir = false;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      throw new KilnError("ERR_KILN_DOCKERFILE_MISSING", `no such file or directory: ${p}`, {
        hint: "pass Dockerfiles or a project directory",
      });
    }
    targets.push(...(isDir ? await project(path.resolve(p)) : [fileTarget(p, cwd)]));
  }
  const firstDir = paths.find((p) => p !== "-");
  return { targets, projectDir: firstDir === undefined ? g.projectDir : path.resolve(firstDir) };
}

async function lint(ctx: CommandContext, paths: string[], flags: LintFlags): Promise<CommandResult> {
  if (flags.explain !== undefined) return explain(flags.explain);
  if (flags.listRules === true) return listRules();
  checkRuleIds(flags.rule ?? [], "--rule");
  checkRuleIds(flags.ignore ?? [], "--ignore");
  const { targets, projectDir } = await targetsFor(ctx, paths);
  const results: LintFileResult[] = [];
  const written = new Map<string, string>();
  for (const t of targets) {
    const options: LintOptions = {
      path: t.display,
      ...(flags.rule ? { rules: flags.rule } : {}),
      ...(flags.ignore ? { ignore: flags.ignore } : {}),
      ...(t.contextFiles ? { contextFiles: t.contextFiles } : {}),
      ...(t.target ? { target: t.target } : {}),
      ...(t.devImage === true ? { devImage: true } : {}),
    };
    if (flags.fix === true && t.file !== undefined) {
      // one file built for two targets: fix what the first round wrote
      const text = written.get(t.file) ?? t.text;
      const before = lintDockerfile(text, options);
      const fixed = fixUntilStable(text, options, 5, shellParses);
      if (fixed.text !== text) {
        writeFixed(t.file, fixed.text, projectDir, ctx.env);
        written.set(t.file, fixed.text);
      }
      const left = fixed.findings;
      results.push({ path: t.display, findings: left, fixed: Math.max(0, before.length - left.length) });
    } else {
      if (flags.fix === true) ctx.log(`kiln lint: ${t.display} is not a file on disk: not fixed`);
      results.push({ path: t.display, findings: lintDockerfile(t.text, options) });
    }
  }
  const all: Finding[] = results.flatMap((r) => r.findings);
  const failing =
    flags.failLevel === "none"
      ? []
      : all.filter((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[flags.failLevel as Severity]);
  const data = lintJson(results);
  const text =
    flags.format === "json"
      ? JSON.stringify(data, null, 2)
      : flags.format === "sarif"
        ? JSON.stringify(lintSarif(results, RULES, toolVersion()), null, 2)
        : lintText(results, { color: colorEnabled(process.stdout, ctx.env), fixed: flags.fix === true });
  return { data, text, exitCode: failing.length > 0 ? EXIT.failed : EXIT.ok };
}

export function registerLint(program: Command): void {
  program
    .command("lint")
    .description(
      "find and fix what makes Docker builds slow: cache mounts, install order, apt updates, .dockerignore",
    )
    .argument(
      "[paths...]",
      "Dockerfiles or project directories (default: every Dockerfile the project's services build)",
    )
    .addOption(
      new Option("--format <format>", "output format").choices(["text", "json", "sarif"]).default("text"),
    )
    .option("--fix", "apply the fixes in place (byte-minimal; a second --fix changes nothing)")
    .option("--rule <id>", "only this rule (repeatable, or comma-separated)", collect)
    .option("--ignore <id>", "skip this rule (repeatable, or comma-separated)", collect)
    .option("--explain <rule>", "say why a rule matters and how to fix it")
    .option("--list-rules", "list the rules")
    .addOption(
      new Option("--fail-level <level>", "exit 1 on findings at or above this severity")
        .choices(["error", "warning", "info", "none"])
        .default("warning"),
    )
    .addHelpText(
      "after",
      "\nInline: `# kiln-ignore` or `# kiln-ignore: rule-id` on the line above an instruction.\n" +
        "Exit codes: 0 no findings at/above --fail-level, 1 findings, 2 usage error.\n\n" +
        "Examples:\n  kiln lint\n  kiln lint Dockerfile --fix\n  kiln lint services/api/Dockerfile --format sarif > kiln.sarif\n  kiln lint --explain apt-docker-clean",
    )
    .action(action(lint));
}
