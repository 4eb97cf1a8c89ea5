import type { ViteUserConfig } from "vitest/config";

/**
 * Test settings every package shares. The JSON report lets `.ci/run` print one summary line for the whole
 * monorepo (tools/ci/summary.mjs).
 */
export const sharedTestConfig: ViteUserConfig = {
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ["default", ["json", { outputFile: "test-results/vitest.json" }]],
  },
};
