import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    coverage: {
      provider: "v8",
      include: ["{contracts,anonymise,topology,schemas,sinks,ops,app,dev}/**/*.ts"],
      exclude: ["**/*.mjs", "dev/stack/cli.ts"],
      reporter: ["text-summary", "json-summary"],
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
