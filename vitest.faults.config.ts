import { defineConfig } from "vitest/config";

/**
 * The fault suite (`npm run test:faults`): stops and restarts servers, so it runs on its OWN local stack
 * (ports 23xxx, state in /tmp/faults-stack), never on the shared default stack (19xxx, .stack/). The values are set
 * here, before anything imports dev/stack, and are inherited by the workers and by every pipeline child process.
 */
const FAULT_STACK_ENV = {
  STACK_MODE: "local",
  STACK_PORT_BASE: "23000",
  STACK_STATE_DIR: "/tmp/faults-stack",
  STACK_ENV_FILE: "/tmp/faults-stack.env",
  FAULTS_RESULTS_FILE: "/tmp/faults-stack-results.json",
} as const;
Object.assign(process.env, FAULT_STACK_ENV);
// Endpoints in the environment would select "external" mode (the shared stack): the suite must never see them.
for (const key of ["KAFKA_BOOTSTRAP_SERVERS", "SCHEMA_REGISTRY_URL", "DATABASE_URL"]) delete process.env[key];

export default defineConfig({
  test: {
    name: "faults",
    include: ["tests/faults/**/*.test.ts"],
    globalSetup: ["tests/faults/global-setup.ts"],
    env: { ...FAULT_STACK_ENV },
    fileParallelism: false,
    sequence: { concurrent: false },
    testTimeout: 240_000,
    hookTimeout: 240_000,
    reporters: ["default"],
  },
});
