import { defineConfig } from "vitest/config";

/**
 * The bounded fault suite (npm run test:faults): kill -9 / SIGINT / SIGTERM loops, bake races
 * under a slowed engine, bad input, fuzzing. Each file prints its counts.
 */
export default defineConfig({
  test: {
    include: [
      "test/faults/**/*.test.ts",
      "test/integration/race-slow-engine.test.ts",
      "test/integration/orphan-builds.test.ts",
    ],
    testTimeout: 600_000,
    hookTimeout: 300_000,
    fileParallelism: true,
    maxWorkers: 2,
    globalSetup: ["test/helpers/global-setup.ts"],
    reporters: ["default", "./test/helpers/summary-reporter.ts"],
  },
});
