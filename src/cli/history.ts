/**
 * `kiln history`: the project's recorded runs (bake, build, rebuild, pull, up), newest first.
 * `kiln report`: the same as one self-contained HTML page, with the services' current state
 * and the project's Dockerfile findings.
 */
import type { Command } from "commander";
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { openProject } from "../app/open-project.js";
import { projectStatus } from "../app/status.js";
import { RunLog } from "../adapters/history/run-log.js";
import { EXIT, KilnError } from "../core/errors.js";
import { totalsOverTime, type RunRecord, type RunTotals } from "../core/history/run-record.js";
import { lintDockerfile } from "../core/lint/lint.js";
import { formatBytes } from "../report/format-bytes.js";
import { buildReportData, type ReportLintRule, type ReportStatus } from "../report/html/report-data.js";
import { renderReportHtml } from "../report/html/render-report.js";
import { formatHistory } from "../report/history-text.js";
import { targetsFor } from "./lint.js";
import type { CommandResult } from "./output.js";
import { action, type CommandContext } from "./runtime.js";

interface HistoryFlags {
  limit?: string;
}

interface ReportFlags {
  output?: string;
  open?: boolean;
  limit?: string;
}

function limitOf(value: string | undefined, fallback: number | undefined): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new KilnError("ERR_KILN_USAGE", `--limit must be a whole number ≥ 1, not "${value}"`, {
      hint: "e.g. --limit 20",
    });
  }
  return n;
}

async function runsOf(
  ctx: CommandContext,
): Promise<{ project: string; stateDir: string; runs: RunRecord[] }> {
  const opened = await openProject(ctx.globals, ctx.env, ctx.ports);
  const log = new RunLog(opened.stateDir, { warn: ctx.log });
  return { project: opened.model.name, stateDir: opened.stateDir, runs: log.list() };
}

/** a run as `--json` shows it: the record plus its totals */
function runJson(run: RunRecord, totals: RunTotals): unknown {
  return { ...run, totals };
}

async function history(ctx: CommandContext, flags: HistoryFlags): Promise<CommandResult> {
  const limit = limitOf(flags.limit, 20);
  const { project, runs } = await runsOf(ctx);
  // totals over the whole history: a cached step is priced at its last executed duration
  const totals = totalsOverTime(runs);
  const rows = runs
    .map((run, i) => ({ run, totals: totals[i] }))
    .reverse()
    .slice(0, limit);
  return {
    data: { project, total: runs.length, runs: rows.map((r) => runJson(r.run, r.totals)) },
    text: formatHistory(rows, runs.length),
  };
}

async function statusRows(ctx: CommandContext, notes: string[]): Promise<ReportStatus[]> {
  try {
    const result = await projectStatus(ctx.globals, ctx.env, ctx.ports);
    return result.services.map((s) => ({
      service: s.name,
      state: s.state,
      image: s.image,
      reason: s.reason,
    }));
  } catch (error: unknown) {
    notes.push(`services' state unavailable: ${error instanceof Error ? error.message : String(error)}`);
    return [];
  }
}

async function lintRows(ctx: CommandContext, notes: string[]): Promise<ReportLintRule[]> {
  try {
    const { targets } = await targetsFor(ctx, []);
    const rules = new Map<string, ReportLintRule>();
    for (const t of targets) {
      const findings = lintDockerfile(t.text, {
        path: t.display,
        ...(t.contextFiles ? { contextFiles: t.contextFiles } : {}),
        ...(t.target ? { target: t.target } : {}),
      });
      for (const f of findings) {
        const r = rules.get(f.rule);
        if (r) r.count += 1;
        else
          rules.set(f.rule, {
            rule: f.rule,
            severity: f.severity,
            count: 1,
            example: `${t.display}:${f.line} ${f.message}`,
          });
      }
    }
    return [...rules.values()].sort((a, b) => b.count - a.count || a.rule.localeCompare(b.rule));
  } catch (error: unknown) {
    notes.push(`Dockerfile findings unavailable: ${error instanceof Error ? error.message : String(error)}`);
    return [];
  }
}

function chartAssets(): { chartScript: string; chartCss: string } {
  const require = createRequire(import.meta.url);
  try {
    return {
      chartScript: readFileSync(require.resolve("uplot/dist/uPlot.iife.min.js"), "utf8"),
      chartCss: readFileSync(require.resolve("uplot/dist/uPlot.min.css"), "utf8"),
    };
  } catch (error: unknown) {
    throw new KilnError(
      "ERR_KILN_REPORT",
      `kiln's chart library (uplot) is missing: ${(error as Error).message}`,
      {
        hint: "reinstall kiln (npm ci in its folder)",
      },
    );
  }
}

function openInBrowser(file: string, env: NodeJS.ProcessEnv): string | undefined {
  const opener =
    process.platform === "darwin" ? "open" : process.platform === "win32" ? "explorer" : "xdg-open";
  const browser = env.BROWSER;
  const argv = browser ? [browser, file] : [opener, file];
  try {
    const child = spawn(argv[0], argv.slice(1), { detached: true, stdio: "ignore" });
    child.on("error", () => undefined);
    child.unref();
    return argv[0];
  } catch {
    return undefined;
  }
}

async function report(ctx: CommandContext, flags: ReportFlags): Promise<CommandResult> {
  const limit = limitOf(flags.limit, undefined);
  const { project, stateDir, runs } = await runsOf(ctx);
  const notes: string[] = [];
  const [status, lint] = await Promise.all([statusRows(ctx, notes), lintRows(ctx, notes)]);
  const data = buildReportData({
    project,
    generatedAt: new Date(),
    runs,
    status,
    lint,
    notes,
  });
  if (limit !== undefined) data.runs = data.runs.slice(0, limit);
  const html = renderReportHtml(data, chartAssets());
  const output = path.resolve(flags.output ?? path.join(stateDir, "report.html"));
  try {
    mkdirSync(path.dirname(output), { recursive: true });
    const tmp = `${output}.${process.pid}.tmp`;
    writeFileSync(tmp, html);
    renameSync(tmp, output);
  } catch (error: unknown) {
    throw new KilnError(
      "ERR_KILN_REPORT",
      `cannot write the report to ${output}: ${(error as Error).message}`,
      {
        hint: "pick another place with --output FILE",
      },
    );
  }
  const lines = [`report: ${output} (${data.runs.length} runs, ${formatBytes(html.length)})`];
  if (flags.open) {
    const opener = openInBrowser(output, ctx.env);
    lines.push(opener ? `opened with ${opener}` : `open it in a browser: file://${output}`);
  }
  for (const n of notes) lines.push(`note: ${n}`);
  return {
    data: { output, runs: data.runs.length, bytes: Buffer.byteLength(html), notes },
    text: lines.join("\n"),
    exitCode: EXIT.ok,
  };
}

export function registerHistory(program: Command): void {
  program
    .command("history")
    .description("the project's recorded runs (bake, build, rebuild, pull, up), newest first")
    .option("--limit <n>", "how many runs to show", "20")
    .addHelpText("after", "\nExamples:\n  kiln history\n  kiln history --json --limit 1")
    .action(action((ctx, flags: HistoryFlags) => history(ctx, flags)));
  program
    .command("report")
    .description(
      "write one self-contained HTML page: run timelines, cache hits, image sizes, state, findings",
    )
    .option("--output <file>", "where to write it (default: report.html in the project's state dir)")
    .option("--open", "open it in the browser ($BROWSER, else xdg-open / open)")
    .option("--limit <n>", "only the newest N runs")
    .addHelpText("after", "\nExamples:\n  kiln report --open\n  kiln report --output build-report.html")
    .action(action((ctx, flags: ReportFlags) => report(ctx, flags)));
}
