import { defineConfig } from "vitest/config";
import { useIsolatedStack } from "./tests/support/isolated-stacks.ts";

/**
 * The chaos run (`npm run test:chaos -- [--minutes M] [--seed S]`, see tests/chaos/cli.ts and docs/chaos.md): kills
 * replicas and stops servers, so it runs on its OWN local stack (ports 24xxx, state in /tmp/chaos-stack), apart from
 * the shared default stack and the fault suite's. The values are set here, before anything imports dev/stack.
 */
const CHAOS_ENV = {
  ...useIsolatedStack("chaos"),
  CHAOS_MINUTES: process.env["CHAOS_MINUTES"] ?? "3",
  CHAOS_SEED: process.env["CHAOS_SEED"] ?? "1",
  CHAOS_REPLICAS: process.env["CHAOS_REPLICAS"] ?? "3",
};
// The fault phase, then set-up, drain (up to 10 min) and the read-back with the Java console consumer.
const timeoutMs = (Number(CHAOS_ENV.CHAOS_MINUTES) + 20) * 60_000;

export default defineConfig({
  test: {
    name: "chaos",
    include: ["tests/chaos/chaos.test.ts"],
    globalSetup: ["tests/chaos/global-setup.ts"],
    env: CHAOS_ENV,
    fileParallelism: false,
    testTimeout: timeoutMs,
    hookTimeout: 300_000,
    reporters: ["default"],
  },
});
