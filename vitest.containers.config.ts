import { defineConfig } from "vitest/config";

/**
 * Checks that need a container engine and the built images (`npm run containers:setup`, then run by
 * `npm run containers:check`). Their files end in .spec.ts so that `npm test` (which collects *.test.ts) never picks
 * them up on a machine without an engine.
 *   image:   the pipeline image against the running stack (STACK_MODE=containers in the check)
 *   compose: docker-compose.yml brought up and down
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "image",
          include: ["tests/containers/image.spec.ts"],
          globalSetup: ["tests/integration/global-setup.ts"],
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: "compose",
          include: ["tests/containers/compose.spec.ts"],
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
