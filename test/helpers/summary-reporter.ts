/**
 * Prints the plain closing line CI reads: `N passed, N failed` (and skipped).
 */
import type { Reporter, TestModule } from "vitest/node";

export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const m of modules) {
      for (const t of m.children.allTests()) {
        const state = t.result().state;
        if (state === "passed") passed += 1;
        else if (state === "failed") failed += 1;
        else skipped += 1;
      }
      // a file that failed outside its tests (a beforeAll, an import) counts once, even when its
      // tests were then skipped
      if (m.state() === "failed" && ![...m.children.allTests()].some((t) => t.result().state === "failed"))
        failed += 1;
    }
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
