import { defineConfig, mergeConfig } from "vitest/config";
import { sharedTestConfig } from "../../vitest.shared.js";

export default defineConfig(
  mergeConfig(sharedTestConfig, {
    // PipelinePool workers run dist/pool-worker.js: make sure dist matches src before any test starts.
    test: { globalSetup: ["./test/build-dist.ts"] },
  }),
);
