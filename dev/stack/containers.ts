import { createServer } from "node:net";
import { PostgreSqlContainer } from "@testcontainers/postgresql";
import { GenericContainer, getContainerRuntimeClient, type StartedTestContainer, Wait } from "testcontainers";
import type { StackEndpoints } from "./env-file.ts";
import { STACK_IMAGES } from "./versions.ts";

/**
 * True when a container engine answers. Checking for the `docker` binary is not enough (the client may exist with
 * no engine behind it); Testcontainers' own runtime probe rejects within milliseconds when nothing answers.
 */
export async function containerEngineAvailable(timeoutMs = 5_000): Promise<boolean> {
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

/** Kafka 4 (KRaft, one node), PostgreSQL 16 and Apicurio Registry 3 in containers. */
export async function startContainerStack(): Promise<ContainerStack> {
  // The advertised listener must name the host port, so pick it before the container starts.
  const kafkaPort = await freePort();
  const kafkaStart = new GenericContainer(STACK_IMAGES.kafka)
    .withExposedPorts({ container: 9092, host: kafkaPort })
    .withEnvironment({
      KAFKA_NODE_ID: "1",
      KAFKA_PROCESS_ROLES: "broker,controller",
      KAFKA_LISTENERS: "PLAINTEXT://0.0.0.0:9092,CONTROLLER://0.0.0.0:9093",
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${kafkaPort}`,
      KAFKA_CONTROLLER_LISTENER_NAMES: "CONTROLLER",
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
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
  const registryStart = new GenericContainer(STACK_IMAGES.registry)
    .withExposedPorts(8080)
    .withEnvironment({ APICURIO_RULES_GLOBAL_COMPATIBILITY: "BACKWARD" })
    .withWaitStrategy(Wait.forHttp("/apis/ccompat/v7/subjects", 8080))
    .withStartupTimeout(180_000)
    .start();
  const postgresStart = new PostgreSqlContainer(STACK_IMAGES.postgres).start();
  const started: StartedTestContainer[] = [];
  const results = await Promise.allSettled([kafkaStart, registryStart, postgresStart]);
  for (const result of results) if (result.status === "fulfilled") started.push(result.value);
  const stop = async () => {
    await Promise.allSettled(started.map((container) => container.stop()));
  };
  const failed = results.find((result) => result.status === "rejected");
  if (failed) {
    await stop();
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

/** Stops containers recorded by an earlier `stack:up` (a different process from the one that started them). */
export async function stopContainersById(ids: string[]): Promise<void> {
  const client = await getContainerRuntimeClient();
  await Promise.allSettled(
    ids.map(async (id) => {
      const container = client.container.getById(id);
      await client.container.stop(container, { timeout: 10_000 });
      await client.container.remove(container, { removeVolumes: true });
    }),
  );
}
