import { existsSync, readFileSync, rmSync } from "node:fs";
import type { TestProject } from "vitest/node";
import type { StackEndpoints } from "../../dev/stack/env-file.ts";
import { type FaultRow, formatFaultTable } from "./support/results.ts";

declare module "vitest" {
  export interface ProvidedContext {
    stack: StackEndpoints & { mode: string };
  }
}

const ISOLATED = {
  STACK_MODE: "local",
  STACK_PORT_BASE: "23000",
  STACK_STATE_DIR: "/tmp/faults-stack",
  STACK_ENV_FILE: "/tmp/faults-stack.env",
};

/**
 * The fault suite's own local stack (Kafka, Apicurio, PostgreSQL as processes) on ports 23xxx with its state in
 * /tmp/faults-stack. Refuses to run against anything else: these tests kill servers.
 */
export default async function setup(project: TestProject) {
  for (const [key, value] of Object.entries(ISOLATED)) {
    if (process.env[key] !== value) {
      throw new Error(
        `fault suite must run on its isolated stack: ${key} is ${process.env[key]}, want ${value}`,
      );
    }
  }
  const resultsFile = process.env["FAULTS_RESULTS_FILE"]!;
  rmSync(resultsFile, { force: true });
  // Imported only now, with the isolated stack's settings in place.
  const { up, down } = await import("../../dev/stack/stack.ts");
  const started = Date.now();
  const log = (line: string) => console.log(`[faults-stack] ${line}`);
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
  if (handle.mode !== "local" || !handle.endpoints.KAFKA_BOOTSTRAP_SERVERS.endsWith(":23092")) {
    throw new Error(`fault suite got the wrong stack: ${JSON.stringify(handle.endpoints)}`);
  }
  console.log(
    `[faults-stack] ${handle.mode} stack ${handle.startedHere ? "started" : "reused"} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  project.provide("stack", { ...handle.endpoints, mode: handle.mode });
  return async () => {
    const rows: FaultRow[] = existsSync(resultsFile)
      ? (JSON.parse(readFileSync(resultsFile, "utf8")) as FaultRow[])
      : [];
    console.log(`\nFault table (${rows.length} cases)\n${formatFaultTable(rows)}\n`);
    // The state file holds the current pids (restarted servers included), so this stops exactly what we started.
    await down();
  };
}
