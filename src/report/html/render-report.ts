/**
 * `kiln report`'s page: one self-contained HTML file (no network: the chart library, styles and
 * data are inline), readable opened from disk, light and dark, desktop and phone widths.
 */
import type { ReportData } from "./report-data.js";
import { REPORT_SCRIPT } from "./report-script.js";

export interface ReportAssets {
  /** uPlot's IIFE build (defines the global uPlot) */
  chartScript: string;
  chartCss: string;
}

const STYLE = `
:root { color-scheme: light dark; --bg:#fff; --fg:#1d232b; --muted:#5d6772; --grid:#e3e6ea; --panel:#f5f7f9;
  --c-done:#2f6fdb; --c-cached:#2e9e62; --c-pulled:#8a5cd1; --c-error:#d0342c; --c-running:#b8860b; }
@media (prefers-color-scheme: dark) { :root { --bg:#15191e; --fg:#e6e9ed; --muted:#9aa4ae; --grid:#2a3038; --panel:#1d2329;
  --c-done:#5b93f0; --c-cached:#45c283; --c-pulled:#a88be3; --c-error:#f0625a; --c-running:#e0b341; } }
* { box-sizing: border-box; }
body { margin:0; padding:16px 20px 40px; background:var(--bg); color:var(--fg);
  font:14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
h1 { font-size:20px; margin:0 0 2px; } h2 { font-size:16px; margin:28px 0 8px; }
.sub { color:var(--muted); margin:0 0 12px; }
.cards { display:grid; grid-template-columns:repeat(auto-fill, minmax(150px, 1fr)); gap:8px; }
.card { background:var(--panel); border-radius:6px; padding:8px 10px; }
.card .k { color:var(--muted); font-size:12px; } .card b { font-size:18px; }
#charts { display:grid; grid-template-columns:repeat(auto-fit, minmax(320px, 1fr)); gap:12px; }
.chart { margin:0; background:var(--panel); border-radius:6px; padding:8px; min-width:0; }
.chart figcaption { font-weight:600; margin-bottom:4px; }
details.run { border-top:1px solid var(--grid); padding:6px 0; }
details.run summary { cursor:pointer; display:flex; flex-wrap:wrap; gap:4px 14px; }
.cmd { font-weight:600; } .when { color:var(--muted); font-variant-numeric:tabular-nums; }
.s-failed, .s-interrupted, .o-failed, .o-interrupted { color:var(--c-error); font-weight:600; }
.timeline { margin:8px 0 4px; }
.row, .axis { display:flex; align-items:center; gap:8px; min-height:22px; }
.label { flex:0 0 130px; overflow:hidden; text-overflow:ellipsis; white-space:nowrap; }
.track { position:relative; flex:1 1 auto; height:18px; background:var(--panel); border-radius:3px; min-width:120px; }
.ticks { background:none; height:16px; color:var(--muted); font-size:11px; }
.tick { position:absolute; transform:translateX(-50%); white-space:nowrap; }
.tick:first-child { transform:none; } .tick:last-child { transform:translateX(-100%); }
.outcome { flex:0 0 110px; font-size:12px; color:var(--muted); white-space:nowrap; }
.busy { position:absolute; top:0; bottom:0; background:var(--grid); border-radius:3px; }
.bar { position:absolute; top:2px; bottom:2px; border-radius:2px; min-width:4px; box-shadow:0 0 0 1px var(--panel); }
.track .st-cached { min-width:8px; z-index:1; }
.st-done { background:var(--c-done); }
.st-cached { background:repeating-linear-gradient(45deg, var(--c-cached) 0 3px, transparent 3px 6px); outline:1px solid var(--c-cached); }
.st-pulled { background:repeating-linear-gradient(90deg, var(--c-pulled) 0 2px, transparent 2px 4px); outline:1px solid var(--c-pulled); }
.st-error { background:repeating-linear-gradient(-45deg, var(--c-error) 0 4px, #000 4px 6px); }
.st-running { background:var(--c-running); opacity:.6; }
.legend { display:flex; flex-wrap:wrap; gap:6px 16px; color:var(--muted); font-size:12px; margin:4px 0; }
.legend i { display:inline-block; width:22px; height:10px; vertical-align:middle; margin-right:4px; position:relative; }
.scroll { overflow-x:auto; }
table { border-collapse:collapse; width:100%; } th, td { text-align:left; padding:4px 8px; border-bottom:1px solid var(--grid); vertical-align:top; }
th { color:var(--muted); font-weight:600; } td { overflow-wrap:break-word; }
td:first-child, td:nth-child(2) { white-space:nowrap; } td:last-child { overflow-wrap:anywhere; }
.empty { color:var(--muted); }
@media (max-width: 600px) { body { padding:10px; } .label { flex-basis:78px; } .outcome { display:none; } #charts { grid-template-columns:1fr; } }
`;

/** `</script>` inside embedded JSON would end the script element early */
function scriptSafe(text: string): string {
  return text.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] ?? c);
}

export function renderReportHtml(data: ReportData, assets: ReportAssets): string {
  const legend = [
    ["st-done", "executed"],
    ["st-cached", "cached"],
    ["st-pulled", "pulled"],
    ["st-error", "failed"],
  ]
    .map(([cls, label]) => `<span><i class="bar ${cls}"></i>${label}</span>`)
    .concat(`<span><i class="busy"></i>service busy (context, build, export)</span>`)
    .join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>kiln report &mdash; ${escapeHtml(data.project)}</title>
<style>${assets.chartCss}</style><style>${STYLE}</style></head>
<body>
<h1>kiln report: <span id="project"></span></h1>
<p class="sub" id="generated"></p>
<section id="latest"></section>
<h2>Over time</h2><section id="charts"></section>
<h2>Runs</h2><div class="legend">${legend}</div><section id="runs"></section>
<h2>Services now</h2><section id="status"></section>
<h2>Dockerfile findings by rule</h2><section id="lint"></section>
<ul class="sub" id="notes"></ul>
<script type="application/json" id="kiln-data">${scriptSafe(JSON.stringify(data))}</script>
<script>${scriptSafe(assets.chartScript)}</script>
<script>${scriptSafe(REPORT_SCRIPT)}</script>
</body></html>
`;
}
