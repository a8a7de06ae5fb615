import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    coverage: {
      provider: "v8",
      include: ["{contracts,anonymise,topology,schemas,sinks,ops,app,dev}/**/*.ts"],
      exclude: ["**/*.mjs", "dev/stack/cli.ts"],
      reporter: ["text-summary", "json-summary"],
      // Just below what `npm test` measured on 2026-12-01 (statements 71.4 %, branches 69.8 %, functions 73.2 %,
      // lines 72.2 %): a change that drops coverage fails the run. Raise them as coverage grows.
      thresholds: { statements: 71, branches: 69, functions: 72, lines: 71.5 },
    },
    projects: [
      {
        test: {
          name: "unit",
          include: ["tests/**/*.test.ts"],
          exclude: [
            "tests/integration/**",
            "tests/faults/**",
            "tests/chaos/chaos.test.ts",
            "node_modules/**",
          ],
        },
      },
      {
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          globalSetup: ["tests/integration/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: true,
        },
      },
    ],
  },
});
