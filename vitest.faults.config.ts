import { defineConfig } from "vitest/config";
import { useIsolatedStack } from "./tests/support/isolated-stacks.ts";

/**
 * The fault suite (`npm run test:faults`): stops and restarts servers, so it runs on its OWN local stack
 * (ports 23xxx, state in /tmp/faults-stack), never on the shared default stack (19xxx, .stack/). The values are set
 * here, before anything imports dev/stack, and are inherited by the workers and by every pipeline child process.
 */
const FAULT_STACK_ENV = {
  ...useIsolatedStack("faults"),
  FAULTS_RESULTS_FILE: "/tmp/faults-stack-results.json",
};
process.env["FAULTS_RESULTS_FILE"] = FAULT_STACK_ENV.FAULTS_RESULTS_FILE;

export default defineConfig({
  test: {
    name: "faults",
    include: ["tests/faults/**/*.test.ts"],
    globalSetup: ["tests/faults/global-setup.ts"],
    env: FAULT_STACK_ENV,
    fileParallelism: false,
    sequence: { concurrent: false },
    testTimeout: 240_000,
    hookTimeout: 240_000,
    reporters: ["default"],
  },
});
