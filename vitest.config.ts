import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // the fault suite runs on its own: npm run test:faults (vitest.faults.config.ts)
    exclude: [...configDefaults.exclude, "test/faults/**"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Integration tests share one Docker engine; files run in parallel (2 cores) but each
    // labels and removes its own images/volumes.
    fileParallelism: true,
    maxWorkers: 2,
    globalSetup: ["test/helpers/global-setup.ts"],
    reporters: ["default", "./test/helpers/summary-reporter.ts"],
  },
});
