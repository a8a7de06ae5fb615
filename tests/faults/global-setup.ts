import { existsSync, readFileSync, rmSync } from "node:fs";
import type { TestProject } from "vitest/node";
import { setUpIsolatedStack } from "../support/isolated-setup.ts";
import { type FaultRow, formatFaultTable } from "./support/results.ts";

/**
 * The fault suite's own local stack (Kafka, Apicurio, PostgreSQL as processes) on ports 23xxx with its state in
 * /tmp/faults-stack. Refuses to run against anything else: these tests kill servers.
 */
export default async function setup(project: TestProject) {
  const resultsFile = process.env["FAULTS_RESULTS_FILE"]!;
  rmSync(resultsFile, { force: true });
  const down = await setUpIsolatedStack(project, "faults");
  return async () => {
    const rows: FaultRow[] = existsSync(resultsFile)
      ? (JSON.parse(readFileSync(resultsFile, "utf8")) as FaultRow[])
      : [];
    console.log(`\nFault table (${rows.length} cases)\n${formatFaultTable(rows)}\n`);
    await down();
  };
}
