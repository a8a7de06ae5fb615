import type { TestProject } from "vitest/node";
import { setUpIsolatedStack } from "../support/isolated-setup.ts";

/** The chaos run's own local stack on ports 24xxx (state in /tmp/chaos-stack); stopped again at the end. */
export default async function setup(project: TestProject) {
  return setUpIsolatedStack(project, "chaos");
}
