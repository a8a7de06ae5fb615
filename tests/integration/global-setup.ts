import type { TestProject } from "vitest/node";
import { up } from "../../dev/stack/stack.ts";

/**
 * One real stack per test run: external servers when named in the environment, containers when an engine answers,
 * local processes otherwise. A stack that was already up (`npm run stack:up`) is reused and left running.
 */
export default async function setup(project: TestProject) {
  const started = Date.now();
  const handle = await up({ log: (line) => console.log(`[stack] ${line}`) });
  console.log(
    `[stack] ${handle.mode} stack ${handle.startedHere ? "started" : "reused"} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  project.provide("stack", { ...handle.endpoints, mode: handle.mode });
  return async () => {
    if (handle.startedHere) await handle.stop();
  };
}
