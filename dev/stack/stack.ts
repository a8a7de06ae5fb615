import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startContainerStack, stopContainersById } from "./containers.ts";
import { endpointsFromEnv, type StackEndpoints, writeEnvFile } from "./env-file.ts";
import { StackError } from "./errors.ts";
import { kafkaAnswers, startLocalKafka } from "./kafka-local.ts";
import { cacheDir, envFilePath, stateDir } from "./paths.ts";
import { assertPortFree, portFree } from "./ports.ts";
import { postgresAnswers, removePostgresHome, startLocalPostgres } from "./postgres-local.ts";
import { isOurs, type StartedProcess, stopProcess, waitUntil } from "./processes.ts";
import { registryAnswers, startLocalRegistry } from "./registry-local.ts";
import { STACK_VERSIONS } from "./versions.ts";

export type StackMode = "external" | "containers" | "local";

interface StackState {
  mode: StackMode;
  startedAt: string;
  endpoints: StackEndpoints;
  processes?: { kafka?: StartedProcess; registry?: StartedProcess; postgres?: StartedProcess };
  containerIds?: string[];
}

export interface StackHandle {
  mode: StackMode;
  endpoints: StackEndpoints;
  /** True when this call started the servers (and so the caller should stop them). */
  startedHere: boolean;
  stop(): Promise<void>;
}

export function ports(env: NodeJS.ProcessEnv = process.env) {
  const base = Number(env["STACK_PORT_BASE"] ?? 19000);
  if (!Number.isInteger(base) || base < 1024 || base > 65000) {
    throw new StackError("STACK_CONFIG_INVALID", `STACK_PORT_BASE must be an integer in 1024..65000`);
  }
  return {
    kafka: base + 92,
    kafkaController: base + 93,
    registry: base + 81,
    registryManagement: base + 82,
    postgres: base + 32,
  };
}

const statePath = () => join(stateDir(), "state.json");

function readState(): StackState | undefined {
  if (!existsSync(statePath())) return undefined;
  return JSON.parse(readFileSync(statePath(), "utf8")) as StackState;
}

function writeState(state: StackState): void {
  mkdirSync(stateDir(), { recursive: true });
  writeFileSync(statePath(), `${JSON.stringify(state, null, 2)}\n`);
}

/**
 * Which mode to use: STACK_MODE if set; otherwise external when the three endpoints are set, local processes if not.
 * Containers mode is used only when asked for (STACK_MODE=containers): an engine that answers on the machine does not
 * move everyone's test runs into containers (docs/adr/0002-local-stack.md).
 */
export async function chooseMode(env: NodeJS.ProcessEnv = process.env): Promise<StackMode> {
  const forced = env["STACK_MODE"];
  if (forced) {
    if (forced !== "external" && forced !== "containers" && forced !== "local") {
      throw new StackError("STACK_CONFIG_INVALID", `STACK_MODE must be external, containers or local`);
    }
    return forced;
  }
  if (endpointsFromEnv(env)) return "external";
  return "local";
}

export interface Readiness {
  kafka: boolean;
  registry: boolean;
  postgres: boolean;
}

export async function checkReadiness(endpoints: StackEndpoints): Promise<Readiness> {
  const probe = async (check: () => Promise<boolean>) => check().catch(() => false);
  const [kafka, registry, postgres] = await Promise.all([
    probe(() => kafkaAnswers(endpoints.KAFKA_BOOTSTRAP_SERVERS.split(",")[0]!)),
    probe(() => registryAnswers(endpoints.SCHEMA_REGISTRY_URL)),
    probe(() => postgresAnswers(endpoints.DATABASE_URL)),
  ]);
  return { kafka, registry, postgres };
}

const allReady = (r: Readiness) => r.kafka && r.registry && r.postgres;

async function startLocal(log: (line: string) => void): Promise<StackState> {
  const p = ports();
  const state = stateDir();
  const cache = cacheDir();
  mkdirSync(state, { recursive: true });
  await Promise.all([
    assertPortFree(p.kafka, "Kafka"),
    assertPortFree(p.kafkaController, "Kafka controller"),
    assertPortFree(p.registry, "schema registry"),
    assertPortFree(p.registryManagement, "schema registry management"),
    assertPortFree(p.postgres, "PostgreSQL"),
  ]);
  const processes: NonNullable<StackState["processes"]> = {};
  const partial: StackState = {
    mode: "local",
    startedAt: new Date().toISOString(),
    endpoints: { KAFKA_BOOTSTRAP_SERVERS: "", SCHEMA_REGISTRY_URL: "", DATABASE_URL: "" },
    processes,
  };
  // Each process is recorded as soon as it exists, so that a failed start can still be stopped by pid.
  const record = <T extends StartedProcess>(name: keyof typeof processes, proc: T): T => {
    processes[name] = proc;
    writeState(partial);
    return proc;
  };
  try {
    // Started side by side: the JVMs dominate start-up and do not depend on each other.
    const [kafka, registry, postgres] = await Promise.all([
      startLocalKafka({
        cache,
        state,
        port: p.kafka,
        controllerPort: p.kafkaController,
        heapMb: Number(process.env["STACK_KAFKA_HEAP_MB"] ?? 512),
        onSpawn: (proc) => record("kafka", proc),
      }).then((started) => {
        record("kafka", started);
        log(`kafka     ready  ${started.bootstrap} (Apache Kafka ${STACK_VERSIONS.kafka}, KRaft)`);
        return started;
      }),
      startLocalRegistry({
        cache,
        state,
        port: p.registry,
        managementPort: p.registryManagement,
        heapMb: Number(process.env["STACK_REGISTRY_HEAP_MB"] ?? 384),
        onSpawn: (proc) => record("registry", proc),
      }).then((started) => {
        record("registry", started);
        log(`registry  ready  ${started.url} (Apicurio Registry ${STACK_VERSIONS.apicurio})`);
        return started;
      }),
      startLocalPostgres({ state, port: p.postgres }).then((started) => {
        record("postgres", started);
        log(`postgres  ready  127.0.0.1:${p.postgres} (embedded PostgreSQL)`);
        return started;
      }),
    ]);
    return {
      ...partial,
      endpoints: {
        KAFKA_BOOTSTRAP_SERVERS: kafka.bootstrap,
        SCHEMA_REGISTRY_URL: registry.url,
        DATABASE_URL: postgres.url,
      },
    };
  } catch (error) {
    writeState(partial);
    await stopLocal(partial).catch(() => undefined);
    throw error;
  }
}

async function stopLocal(state: StackState): Promise<void> {
  const procs = state.processes ?? {};
  await Promise.all([
    procs.kafka ? stopProcess(procs.kafka, { graceMs: 20_000 }) : undefined,
    procs.registry ? stopProcess(procs.registry, { graceMs: 10_000 }) : undefined,
    // SIGINT is PostgreSQL's "fast" shutdown; SIGTERM would wait for every client to disconnect.
    procs.postgres ? stopProcess(procs.postgres, { graceMs: 20_000, signal: "SIGINT" }) : undefined,
  ]);
  // Children (PostgreSQL backends, JVM threads closing sockets) can outlive the main pid by a moment.
  const p = ports();
  await Promise.all(
    [p.kafka, p.kafkaController, p.registry, p.registryManagement, p.postgres].map((port) =>
      waitUntil(`port ${port} to close`, () => portFree(port), { timeoutMs: 15_000 }),
    ),
  );
}

/**
 * Starts the stack (or adopts the running one recorded in the state file) and writes the env file.
 * Idempotent: a second call while the stack is up returns it without starting anything.
 */
export async function up(options: { log?: (line: string) => void } = {}): Promise<StackHandle> {
  const log = options.log ?? (() => undefined);
  const mode = await chooseMode();
  if (mode === "external") {
    const endpoints = endpointsFromEnv(process.env)!;
    const readiness = await checkReadiness(endpoints);
    if (!allReady(readiness)) {
      throw new StackError("STACK_NOT_READY", `external servers not reachable: ${JSON.stringify(readiness)}`);
    }
    return { mode, endpoints, startedHere: false, stop: async () => undefined };
  }
  const existing = readState();
  if (existing && existing.mode === mode && allReady(await checkReadiness(existing.endpoints))) {
    writeEnvFile(existing.endpoints);
    return { mode, endpoints: existing.endpoints, startedHere: false, stop: async () => undefined };
  }
  if (existing) await down();
  if (mode === "containers") {
    const stack = await startContainerStack();
    const state: StackState = {
      mode,
      startedAt: new Date().toISOString(),
      endpoints: stack.endpoints,
      containerIds: stack.containerIds,
    };
    writeState(state);
    writeEnvFile(stack.endpoints);
    return { mode, endpoints: stack.endpoints, startedHere: true, stop: async () => void (await down()) };
  }
  const state = await startLocal(log);
  writeState(state);
  writeEnvFile(state.endpoints);
  return { mode, endpoints: state.endpoints, startedHere: true, stop: async () => void (await down()) };
}

/** Stops only what `up` started (by pid, checked against its command line), then removes state and env file. */
export async function down(): Promise<{ stopped: boolean }> {
  const state = readState();
  if (!state) return { stopped: false };
  if (state.mode === "local") {
    await stopLocal(state);
    // PostgreSQL's data may live outside the state directory, where the service user can reach it.
    removePostgresHome(stateDir());
  }
  if (state.mode === "containers" && state.containerIds) await stopContainersById(state.containerIds);
  rmSync(stateDir(), { recursive: true, force: true });
  rmSync(envFilePath(), { force: true });
  return { stopped: true };
}

export async function status(): Promise<{
  mode?: StackMode;
  endpoints?: StackEndpoints;
  readiness?: Readiness;
  processes?: Record<string, { pid: number; alive: boolean }>;
}> {
  const state = readState();
  if (!state) return {};
  const processes: Record<string, { pid: number; alive: boolean }> = {};
  for (const [name, proc] of Object.entries(state.processes ?? {})) {
    if (proc) processes[name] = { pid: proc.pid, alive: isOurs(proc) };
  }
  return {
    mode: state.mode,
    endpoints: state.endpoints,
    readiness: await checkReadiness(state.endpoints),
    processes,
  };
}
