import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { startLocalKafka } from "../../dev/stack/kafka-local.ts";
import { cacheDir, stateDir } from "../../dev/stack/paths.ts";
import { portFree } from "../../dev/stack/ports.ts";
import { startLocalPostgres } from "../../dev/stack/postgres-local.ts";
import { isOurs, type StartedProcess, stopProcess, waitUntil } from "../../dev/stack/processes.ts";
import { ports } from "../../dev/stack/stack.ts";
import { currentIsolatedStack, ISOLATED_STACKS } from "./isolated-stacks.ts";

/**
 * Stops and restarts single servers of an isolated local stack (the fault or the chaos suite's), by the pids in its
 * state file, and writes the new pids back so that the suite's teardown (`down()`) stops the restarted servers too.
 */
type StackServer = "kafka" | "registry" | "postgres";

interface State {
  processes: Partial<Record<StackServer, StartedProcess>>;
}

function assertIsolated(): void {
  const name = currentIsolatedStack();
  if (!name || stateDir() !== resolve(ISOLATED_STACKS[name].STACK_STATE_DIR)) {
    throw new Error(
      `stack-control refuses to touch a stack other than an isolated one (${Object.values(ISOLATED_STACKS)
        .map((s) => `${s.STACK_PORT_BASE}, ${s.STACK_STATE_DIR}`)
        .join("; ")})`,
    );
  }
}

const statePath = () => join(stateDir(), "state.json");
const readState = () => JSON.parse(readFileSync(statePath(), "utf8")) as State & Record<string, unknown>;

function recordProcess(name: StackServer, proc: StartedProcess): void {
  const state = readState();
  state.processes[name] = proc;
  writeFileSync(statePath(), `${JSON.stringify(state, null, 2)}\n`);
}

function processOf(name: StackServer): StartedProcess {
  const proc = readState().processes[name];
  if (!proc || !isOurs(proc)) throw new Error(`${name} of the isolated stack is not running`);
  return proc;
}

async function portsClosed(list: number[]): Promise<void> {
  for (const port of list)
    await waitUntil(`port ${port} to close`, () => portFree(port), { timeoutMs: 15_000 });
}

/** SIGTERM to the broker (a controlled shutdown), waiting until its ports are closed. */
export async function stopKafka(): Promise<void> {
  assertIsolated();
  await stopProcess(processOf("kafka"), { graceMs: 30_000 });
  await portsClosed([ports().kafka, ports().kafkaController]);
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
  await portsClosed([ports().postgres]);
}

export async function startPostgres(): Promise<void> {
  assertIsolated();
  const started = await startLocalPostgres({ state: stateDir(), port: ports().postgres });
  recordProcess("postgres", started);
}

export type Server = "kafka" | "postgres";

export const stopServer: Record<Server, () => Promise<void>> = { kafka: stopKafka, postgres: stopPostgres };
export const startServer: Record<Server, () => Promise<void>> = {
  kafka: startKafka,
  postgres: startPostgres,
};
