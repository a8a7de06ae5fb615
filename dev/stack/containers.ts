import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { PostgreSqlContainer } from "@testcontainers/postgresql";
import {
  type BoundPorts,
  GenericContainer,
  getContainerRuntimeClient,
  type StartedTestContainer,
  Wait,
  type WaitStrategy,
} from "testcontainers";
import type { StackEndpoints } from "./env-file.ts";
import { StackError } from "./errors.ts";
import { postgresAnswers } from "./postgres-local.ts";
import { STACK_IMAGES } from "./versions.ts";

/** The Docker-API socket that `npm run containers:setup` starts (podman; docs/deployment.md). */
export const PODMAN_SOCKET = "/run/podman/podman.sock";
const DOCKER_SOCKET = "/var/run/docker.sock";

/**
 * Testcontainers settings for a podman engine, filled in only where unset. DOCKER_HOST points at the podman socket
 * when there is no Docker socket; on that engine the Ryuk reaper is off (its image cannot be pulled here; the stack
 * stops its own containers) and the host is `localhost` (these machines carry a /.dockerenv file, which otherwise
 * makes Testcontainers use the bridge address). A real Docker engine keeps Testcontainers' own defaults.
 */
export function useContainerEngineDefaults(env: NodeJS.ProcessEnv = process.env): void {
  if (env["DOCKER_HOST"] === undefined && !existsSync(DOCKER_SOCKET) && existsSync(PODMAN_SOCKET)) {
    env["DOCKER_HOST"] = `unix://${PODMAN_SOCKET}`;
  }
  if (env["DOCKER_HOST"] === `unix://${PODMAN_SOCKET}`) {
    env["TESTCONTAINERS_RYUK_DISABLED"] ??= "true";
    env["TESTCONTAINERS_HOST_OVERRIDE"] ??= "localhost";
  }
}

/** Images of containers mode: the official ones unless KAFKA_IMAGE, REGISTRY_IMAGE or POSTGRES_IMAGE name others. */
export function containerImages(env: NodeJS.ProcessEnv = process.env) {
  return {
    kafka: env["KAFKA_IMAGE"] || STACK_IMAGES.kafka,
    registry: env["REGISTRY_IMAGE"] || STACK_IMAGES.registry,
    postgres: env["POSTGRES_IMAGE"] || STACK_IMAGES.postgres,
  };
}

/** Labels every container of this stack, so `npm run containers:down` finds what a failed run left behind. */
export const STACK_CONTAINER_LABEL = "nhs-anonymiser.stack";

/**
 * True when a container engine answers. Checking for the `docker` binary is not enough (the client may exist with
 * no engine behind it); Testcontainers' own runtime probe rejects within milliseconds when nothing answers.
 */
export async function containerEngineAvailable(timeoutMs = 5_000): Promise<boolean> {
  useContainerEngineDefaults();
  try {
    await Promise.race([
      getContainerRuntimeClient(),
      new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), timeoutMs).unref()),
    ]);
    return true;
  } catch {
    return false;
  }
}

/**
 * Ready when PostgreSQL answers `SELECT 1` on the published port, asked from this host as the stack's clients ask.
 * Nothing runs inside the container: every exec through the Docker API (Testcontainers' `Wait.forSuccessfulCommand`
 * polls one every 100 ms) leaves a podman `conmon` pair waiting out the engine's `exit_command_delay` (300 s), and
 * removing the container does not end them. The official image's first-start server does not listen on TCP, so this
 * also waits out its initialisation.
 */
class PostgresAnswersWait implements WaitStrategy {
  #timeoutMs = 120_000;
  #timeoutSet = false;

  withStartupTimeout(timeoutMs: number): this {
    this.#timeoutMs = timeoutMs;
    this.#timeoutSet = true;
    return this;
  }

  isStartupTimeoutSet(): boolean {
    return this.#timeoutSet;
  }

  getStartupTimeout(): number {
    return this.#timeoutMs;
  }

  async waitUntilReady(_container: unknown, boundPorts: BoundPorts): Promise<void> {
    const host = (await getContainerRuntimeClient()).info.containerRuntime.host;
    // The credentials PostgreSqlContainer sets by default (its connection URI uses the same).
    const url = `postgres://test:test@${host}:${boundPorts.getBinding(5432)}/test`;
    const deadline = Date.now() + this.#timeoutMs;
    while (!(await postgresAnswers(url).catch(() => false))) {
      if (Date.now() > deadline) {
        throw new Error(
          `PostgreSQL did not answer on ${host}:${boundPorts.getBinding(5432)} within ${this.#timeoutMs} ms`,
        );
      }
      await new Promise((resolvePromise) => setTimeout(resolvePromise, 250));
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePromise(port));
    });
  });
}

export interface ContainerStack {
  endpoints: StackEndpoints;
  containerIds: string[];
  stop(): Promise<void>;
}

/** Kafka 4 (KRaft, one node), PostgreSQL and Apicurio Registry 3 in containers. */
export async function startContainerStack(): Promise<ContainerStack> {
  if (!(await containerEngineAvailable())) {
    throw new StackError(
      "STACK_ENGINE_UNAVAILABLE",
      `no container engine answers on ${process.env["DOCKER_HOST"] ?? DOCKER_SOCKET} (npm run containers:setup starts one)`,
    );
  }
  const images = containerImages();
  // One value per start: a failed start removes exactly its own containers, including any whose start timed out.
  const startId = randomBytes(6).toString("hex");
  const label = { [STACK_CONTAINER_LABEL]: startId };
  // The advertised listener must name the host port, so pick it before the container starts.
  const kafkaPort = await freePort();
  const kafkaStart = new GenericContainer(images.kafka)
    .withLabels(label)
    .withExposedPorts({ container: 9092, host: kafkaPort })
    .withEnvironment({
      KAFKA_NODE_ID: "1",
      KAFKA_PROCESS_ROLES: "broker,controller",
      // Clients use the published port; the broker reaches itself (transaction markers, group coordinator) on an
      // inner listener, since the published address means nothing inside the container.
      KAFKA_LISTENERS: "PLAINTEXT://0.0.0.0:9092,BROKER://0.0.0.0:9094,CONTROLLER://0.0.0.0:9093",
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${kafkaPort},BROKER://localhost:9094`,
      KAFKA_INTER_BROKER_LISTENER_NAME: "BROKER",
      KAFKA_CONTROLLER_LISTENER_NAMES: "CONTROLLER",
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,BROKER:PLAINTEXT",
      KAFKA_CONTROLLER_QUORUM_VOTERS: "1@localhost:9093",
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: "1",
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: "1",
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: "1",
      KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: "1",
      KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: "1",
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: "0",
      KAFKA_TRANSACTION_PARTITION_VERIFICATION_ENABLE: "false",
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: "false",
      KAFKA_NUM_PARTITIONS: "3",
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .withStartupTimeout(180_000)
    .start();
  const registryStart = new GenericContainer(images.registry)
    .withLabels(label)
    .withExposedPorts(8080)
    .withEnvironment({ APICURIO_RULES_GLOBAL_COMPATIBILITY: "BACKWARD" })
    .withWaitStrategy(Wait.forHttp("/apis/ccompat/v7/subjects", 8080))
    .withStartupTimeout(180_000)
    .start();
  // Ready when it answers a query on its published port (PostgresAnswersWait): the module's default waits for the
  // container health check, which podman runs only through systemd timers (absent on these machines).
  const postgresStart = new PostgreSqlContainer(images.postgres)
    .withLabels(label)
    .withWaitStrategy(new PostgresAnswersWait())
    .start();
  const started: StartedTestContainer[] = [];
  const results = await Promise.allSettled([kafkaStart, registryStart, postgresStart]);
  for (const result of results) if (result.status === "fulfilled") started.push(result.value);
  const stop = async () => {
    await Promise.allSettled(started.map((container) => container.stop()));
  };
  const failed = results.find((result) => result.status === "rejected");
  if (failed) {
    await stop();
    await removeLabelled(startId);
    throw failed.reason;
  }
  const [kafka, registry, postgres] = started as [
    StartedTestContainer,
    StartedTestContainer,
    StartedTestContainer,
  ];
  const postgresUri = (postgres as unknown as { getConnectionUri(): string }).getConnectionUri();
  return {
    endpoints: {
      KAFKA_BOOTSTRAP_SERVERS: `127.0.0.1:${kafkaPort}`,
      SCHEMA_REGISTRY_URL: `http://${registry.getHost()}:${registry.getMappedPort(8080)}/apis/ccompat/v7`,
      DATABASE_URL: postgresUri,
    },
    containerIds: [kafka.getId(), registry.getId(), postgres.getId()],
    stop,
  };
}

/** Removes every container of one start (Testcontainers leaves a container behind when its wait times out). */
async function removeLabelled(startId: string): Promise<void> {
  const client = await getContainerRuntimeClient();
  const containers = await client.container.list();
  await Promise.allSettled(
    containers
      .filter((c) => c.Labels?.[STACK_CONTAINER_LABEL] === startId)
      .map(async (c) => {
        const container = client.container.getById(c.Id);
        await client.container.stop(container, { timeout: 5_000 }).catch(() => undefined);
        await client.container.remove(container, { removeVolumes: true });
      }),
  );
}

/** Stops containers recorded by an earlier `stack:up` (a different process from the one that started them). */
export async function stopContainersById(ids: string[]): Promise<void> {
  useContainerEngineDefaults();
  const client = await getContainerRuntimeClient();
  await Promise.allSettled(
    ids.map(async (id) => {
      const container = client.container.getById(id);
      await client.container.stop(container, { timeout: 10_000 });
      await client.container.remove(container, { removeVolumes: true });
    }),
  );
}
