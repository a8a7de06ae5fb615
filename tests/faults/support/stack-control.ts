import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startLocalKafka } from "../../../dev/stack/kafka-local.ts";
import { cacheDir, stateDir } from "../../../dev/stack/paths.ts";
import { portFree } from "../../../dev/stack/ports.ts";
import { startLocalPostgres } from "../../../dev/stack/postgres-local.ts";
import { isOurs, type StartedProcess, stopProcess, waitUntil } from "../../../dev/stack/processes.ts";
import { ports } from "../../../dev/stack/stack.ts";

/**
 * Stops and restarts single servers of the fault suite's own local stack, by the pids in its state file, and writes
 * the new pids back so that the suite's teardown (`down()`) stops the restarted servers too.
 */
type Server = "kafka" | "registry" | "postgres";

interface State {
  processes: Partial<Record<Server, StartedProcess>>;
}

function assertIsolated(): void {
  if (process.env["STACK_PORT_BASE"] !== "23000" || stateDir() !== "/tmp/faults-stack") {
    throw new Error(
      "stack-control refuses to touch a stack other than the fault suite's (23xxx, /tmp/faults-stack)",
    );
  }
}

const statePath = () => join(stateDir(), "state.json");
const readState = () => JSON.parse(readFileSync(statePath(), "utf8")) as State & Record<string, unknown>;

function recordProcess(name: Server, proc: StartedProcess): void {
  const state = readState();
  state.processes[name] = proc;
  writeFileSync(statePath(), `${JSON.stringify(state, null, 2)}\n`);
}

function processOf(name: Server): StartedProcess {
  const proc = readState().processes[name];
  if (!proc || !isOurs(proc)) throw new Error(`${name} of the fault stack is not running`);
  return proc;
}

/** SIGTERM to the broker (a controlled shutdown), waiting until its ports are closed. */
export async function stopKafka(): Promise<void> {
  assertIsolated();
  await stopProcess(processOf("kafka"), { graceMs: 30_000 });
  const p = ports();
  for (const port of [p.kafka, p.kafkaController])
    await waitUntil(`port ${port} to close`, () => portFree(port), { timeoutMs: 15_000 });
}

/** Starts the broker again on the same ports and data directory (no re-format: meta.properties exists). */
export async function startKafka(): Promise<void> {
  assertIsolated();
  const p = ports();
  const started = await startLocalKafka({
    cache: cacheDir(),
    state: stateDir(),
    port: p.kafka,
    controllerPort: p.kafkaController,
    heapMb: Number(process.env["STACK_KAFKA_HEAP_MB"] ?? 512),
    onSpawn: (proc) => recordProcess("kafka", proc),
  });
  recordProcess("kafka", started);
}

/** SIGINT to the postmaster: PostgreSQL's "fast" shutdown (open transactions are rolled back). */
export async function stopPostgres(): Promise<void> {
  assertIsolated();
  await stopProcess(processOf("postgres"), { graceMs: 20_000, signal: "SIGINT" });
  await waitUntil("PostgreSQL port to close", () => portFree(ports().postgres), { timeoutMs: 15_000 });
}

export async function startPostgres(): Promise<void> {
  assertIsolated();
  const started = await startLocalPostgres({ state: stateDir(), port: ports().postgres });
  recordProcess("postgres", started);
}
