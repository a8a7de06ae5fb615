import type { TestProject } from "vitest/node";
import { ISOLATED_STACKS, type IsolatedStackName } from "./isolated-stacks.ts";

/**
 * Global setup of a suite that kills servers: starts (or adopts) its own local stack, refusing to run with any other
 * settings, provides the endpoints to the tests and returns the teardown that stops exactly what was started
 * (the state file holds the current pids, restarted servers included).
 */
export async function setUpIsolatedStack(
  project: TestProject,
  name: IsolatedStackName,
): Promise<() => Promise<void>> {
  const settings = ISOLATED_STACKS[name];
  for (const [key, value] of Object.entries(settings)) {
    if (process.env[key] !== value) {
      throw new Error(
        `${name} suite must run on its isolated stack: ${key} is ${process.env[key]}, want ${value}`,
      );
    }
  }
  // Imported only now, with the isolated stack's settings in place.
  const { up, down } = await import("../../dev/stack/stack.ts");
  const started = Date.now();
  const log = (line: string) => console.log(`[${name}-stack] ${line}`);
  let handle: Awaited<ReturnType<typeof up>>;
  try {
    handle = await up({ log });
  } catch (error) {
    // Seen once on a loaded machine: a JVM reported "exited during start-up" while it was still starting (its
    // command line not yet exec'd). Clean up whatever the failed start left behind and try once more.
    log(`start failed (${(error as Error).message.split("\n")[0]}); stopping leftovers and retrying once`);
    await down().catch(() => undefined);
    handle = await up({ log });
  }
  const kafkaPort = Number(settings.STACK_PORT_BASE) + 92;
  if (handle.mode !== "local" || !handle.endpoints.KAFKA_BOOTSTRAP_SERVERS.endsWith(`:${kafkaPort}`)) {
    throw new Error(`${name} suite got the wrong stack: ${JSON.stringify(handle.endpoints)}`);
  }
  log(
    `${handle.mode} stack ${handle.startedHere ? "started" : "reused"} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  project.provide("stack", { ...handle.endpoints, mode: handle.mode });
  return async () => {
    await down();
  };
}
