/**
 * `kiln report` in a real browser: Debian's headless Chromium (installed by scripts/dev-engine.sh)
 * driven by playwright-core opens the report of a real two-service bake from disk. The DOM has
 * one timeline row per service and one bar per step, with the numbers `kiln history --json`
 * prints; the page logs no console error; screenshots at desktop and phone width, light and dark,
 * are kept in test-artifacts/ (gitignored).
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  engineAvailable,
  removeDir,
  repoRoot,
  runKiln,
  tempCopy,
  testLabel,
  TEST_LABEL,
  testRunId,
} from "../helpers/kiln.js";

const CHROMIUM = process.env.KILN_TEST_CHROMIUM ?? "/usr/bin/chromium";
/** the part of a DOM element the assertions read (the test's tsconfig has no DOM types) */
interface Element {
  getAttribute(name: string): string | null;
}

const ARTIFACTS = path.join(repoRoot, "test-artifacts");

interface HistoryStep {
  name: string;
  state: string;
  durationMs: number;
}
interface HistoryRun {
  id: string;
  state: string;
  services: { service: string; outcome: string; steps: HistoryStep[] }[];
  totals: { steps: number; cached: number; cacheHitRatio: number };
}

const dirs: string[] = [];
let browser: Browser | undefined;

/** two services on the local busybox: a step that stays cached, a copy and a short run that change */
function twoServiceProject(): string {
  // not the temp dir itself: other test runs sweep every `kiln-test-*` tag when they end
  const root = path.join(tempCopy(), "reportshop");
  dirs.push(path.dirname(root), `${root}.state`);
  for (const svc of ["api", "worker"]) {
    mkdirSync(path.join(root, svc), { recursive: true });
    writeFileSync(
      path.join(root, svc, "Dockerfile"),
      "FROM kiln-local/busybox:latest\nCOPY stable.txt /stable.txt\nCOPY src.txt /src.txt\nRUN sleep 0.5 && cat /src.txt > /out.txt\n",
    );
    writeFileSync(path.join(root, svc, "stable.txt"), `${svc} ${process.pid} ${Math.random()}\n`);
    writeFileSync(path.join(root, svc, "src.txt"), "v1\n");
  }
  writeFileSync(
    path.join(root, "compose.yaml"),
    "services:\n  api:\n    build: ./api\n  worker:\n    build: ./worker\n",
  );
  return root;
}

async function openReport(file: string, viewport: { width: number; height: number }, dark: boolean) {
  if (!browser) throw new Error("browser not started");
  const context = await browser.newContext({ viewport, colorScheme: dark ? "dark" : "light" });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") errors.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
  page.on("request", (r) => {
    if (!r.url().startsWith("file:")) errors.push(`network request: ${r.url()}`);
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
  return { page, errors, close: () => context.close() };
}

/** nothing wider than the viewport: a page that scrolls sideways is not readable on a phone */
async function horizontalOverflow(page: Page): Promise<number> {
  // a string: the test's tsconfig has no DOM types
  return Number(
    await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"),
  );
}

beforeAll(async () => {
  if (!engineAvailable()) return;
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} is missing: run \`bash scripts/dev-engine.sh\` (installs Debian's chromium)`,
    );
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  dirs.forEach(removeDir);
  const ids = spawnSync(
    "docker",
    [
      "images",
      "-q",
      "--filter",
      `label=${TEST_LABEL}=${testRunId()}`,
      "--filter",
      "reference=kiln.invalid/reportshop*",
    ],
    {
      encoding: "utf8",
    },
  )
    .stdout.split("\n")
    .filter(Boolean);
  if (ids.length > 0) spawnSync("docker", ["image", "rm", "-f", ...new Set(ids)]);
});

describe.skipIf(!engineAvailable())("kiln report in headless Chromium", () => {
  it("shows a real two-service bake: a row per service, a bar per step, history's numbers", async () => {
    const dir = twoServiceProject();
    const env = { KILN_STATE_DIR: `${dir}.state`, KILN_LABELS: testLabel() };
    const cold = runKiln(["bake", "--project-dir", dir], { env });
    expect(cold.code, cold.stderr).toBe(0);
    // both sources change: each service keeps its first COPY cached and runs the rest again
    for (const svc of ["api", "worker"]) writeFileSync(path.join(dir, svc, "src.txt"), "v2\n");
    const warm = runKiln(["bake", "--project-dir", dir], { env });
    expect(warm.code, warm.stderr).toBe(0);

    const h = runKiln(["history", "--json", "--project-dir", dir], { env });
    expect(h.code, h.stderr).toBe(0);
    const runs = (JSON.parse(h.stdout) as { runs: HistoryRun[] }).runs;
    expect(runs).toHaveLength(2);
    expect(runs[0]?.services.flatMap((s) => s.steps.map((x) => x.state))).toEqual([
      "cached",
      "done",
      "done",
      "cached",
      "done",
      "done",
    ]);

    const file = path.join(dir, "out", "report.html");
    const r = runKiln(["report", "--output", file, "--project-dir", dir], { env });
    expect(r.code, r.stderr).toBe(0);

    const { page, errors, close } = await openReport(file, { width: 1280, height: 800 }, false);
    try {
      // every run's timeline, not only the newest (open by default)
      for (const d of await page.locator("details.run:not([open]) > summary").all()) await d.click();
      for (const run of runs) {
        const timeline = page.locator(`.timeline[data-run="${run.id}"]`);
        const rows = timeline.locator(".row");
        expect(
          await rows.evaluateAll((els: Element[]) => els.map((e) => e.getAttribute("data-service"))),
        ).toEqual(run.services.map((s) => s.service));
        for (const s of run.services) {
          const bars = await timeline
            .locator(`.row[data-service="${s.service}"] .bar`)
            .evaluateAll((els: Element[]) =>
              els.map((e) => ({
                name: e.getAttribute("data-step"),
                state: e.getAttribute("data-state"),
                ms: Number(e.getAttribute("data-ms")),
              })),
            );
          expect(bars).toEqual(s.steps.map((x) => ({ name: x.name, state: x.state, ms: x.durationMs })));
          // a bar is drawn where it can be seen
          for (const box of await timeline.locator(`.row[data-service="${s.service}"] .bar`).all()) {
            const b = await box.boundingBox();
            expect(b?.width ?? 0).toBeGreaterThan(0);
          }
        }
      }
      const latest = runs[0];
      expect(await page.locator('[data-k="cache-hit"]').textContent()).toBe(
        `${Math.round((latest?.totals.cacheHitRatio ?? -1) * 100)}%`,
      );
      expect(await page.locator('[data-k="cached"]').textContent()).toBe(
        `${latest?.totals.cached} / ${latest?.totals.steps}`,
      );
      expect(
        await page
          .locator("#status tr[data-service]")
          .evaluateAll((els: Element[]) => els.map((e) => e.getAttribute("data-state"))),
      ).toEqual(["baked", "baked"]);
      // the bundle is ASCII (bin/kiln reads it as latin1): the page's non-ASCII text is escaped
      // in the source and must still read as the characters themselves
      expect(await page.title()).toMatch(/^kiln report \u2014 \S/);
      expect(await page.locator("#generated").textContent()).toMatch(/^generated .+ \u00b7 \d+ runs$/);
      // the two charts that have data are drawn by uPlot (no "chart library missing")
      expect(await page.locator("#charts .uplot").count()).toBeGreaterThanOrEqual(2);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, "report-1280-light.png"), fullPage: true });
      // the README's picture (docs/report.png is a copy): the cards, charts and run timelines
      const runsBox = await page.locator("#runs").boundingBox();
      await page.screenshot({
        path: path.join(ARTIFACTS, "report-overview.png"),
        clip: {
          x: 0,
          y: 0,
          width: 1280,
          height: Math.ceil((runsBox?.y ?? 0) + (runsBox?.height ?? 800) + 8),
        },
      });
      expect(await horizontalOverflow(page)).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }

    for (const [name, viewport, dark] of [
      ["1280-dark", { width: 1280, height: 800 }, true],
      ["phone-light", { width: 390, height: 844 }, false],
      ["phone-dark", { width: 390, height: 844 }, true],
    ] as const) {
      const v = await openReport(file, viewport, dark);
      try {
        expect(await v.page.locator(".timeline .row").count()).toBe(runs[0]?.services.length);
        expect(await horizontalOverflow(v.page), name).toBe(0);
        await v.page.screenshot({ path: path.join(ARTIFACTS, `report-${name}.png`), fullPage: true });
        expect(v.errors, name).toEqual([]);
      } finally {
        await v.close();
      }
    }
  });
});
