import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Admin } from "@platformatic/kafka";
import { findJava } from "./java.ts";
import { fetchClasspath } from "./maven.ts";
import { isAlive, run, type StartedProcess, startDetached, waitUntil } from "./processes.ts";
import { STACK_VERSIONS } from "./versions.ts";

/** A KRaft cluster id: 16 random bytes, URL-safe base64 without padding; must not start with '-'. */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString("base64url");
    if (!id.startsWith("-")) return id;
  }
}

/**
 * Single combined broker+controller on loopback. Every replication factor and min ISR is 1 (the defaults of 3/2
 * cannot work on one node); transactions stay enabled; the initial rebalance delay is 0 so tests do not wait 3 s.
 */
export function serverProperties(options: { port: number; controllerPort: number; dataDir: string }): string {
  const { port, controllerPort, dataDir } = options;
  return [
    "process.roles=broker,controller",
    "node.id=1",
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    "controller.listener.names=CONTROLLER",
    "inter.broker.listener.name=PLAINTEXT",
    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
    `log.dirs=${dataDir}`,
    "num.partitions=3",
    "default.replication.factor=1",
    "min.insync.replicas=1",
    "offsets.topic.replication.factor=1",
    "offsets.topic.num.partitions=10",
    "transaction.state.log.replication.factor=1",
    "transaction.state.log.min.isr=1",
    "transaction.state.log.num.partitions=10",
    "share.coordinator.state.topic.replication.factor=1",
    "share.coordinator.state.topic.min.isr=1",
    "group.initial.rebalance.delay.ms=0",
    "group.coordinator.rebalance.protocols=classic,consumer",
    "transaction.partition.verification.enable=false",
    "auto.create.topics.enable=false",
    "log.retention.hours=168",
    "",
  ].join("\n");
}

const LOG4J2 = `status = warn
appender.console.type = Console
appender.console.name = STDOUT
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.stdout.ref = STDOUT
logger.kafka.name = kafka
logger.kafka.level = INFO
logger.server.name = kafka.server.KafkaRaftServer
logger.server.level = INFO
`;

export function kafkaClasspathDir(cache: string): string {
  return join(cache, `kafka_${STACK_VERSIONS.scala}-${STACK_VERSIONS.kafka}`);
}

export async function fetchKafka(cache: string): Promise<string> {
  const dir = kafkaClasspathDir(cache);
  await fetchClasspath(dir, [
    {
      groupId: "org.apache.kafka",
      artifactId: `kafka_${STACK_VERSIONS.scala}`,
      version: STACK_VERSIONS.kafka,
    },
    // The broker jar does not bring a logging backend; the release tarball adds log4j 2 and its SLF4J 1 binding.
    { groupId: "org.apache.logging.log4j", artifactId: "log4j-core", version: STACK_VERSIONS.log4j },
    { groupId: "org.apache.logging.log4j", artifactId: "log4j-slf4j-impl", version: STACK_VERSIONS.log4j },
  ]);
  return join(dir, "libs");
}

export async function kafkaAnswers(bootstrap: string): Promise<boolean> {
  const admin = new Admin({
    clientId: "stack-probe",
    bootstrapBrokers: [bootstrap],
    retries: 0,
    timeout: 2_000,
    // `timeout` is only the broker-side wait; these are the socket's deadlines (ops/kafka-admin.ts).
    connectTimeout: 2_000,
    requestTimeout: 2_000,
  });
  try {
    const metadata = await admin.metadata({ topics: [] });
    return metadata.brokers.size > 0;
  } finally {
    await admin.close().catch(() => undefined);
  }
}

export async function startLocalKafka(options: {
  cache: string;
  state: string;
  port: number;
  controllerPort: number;
  heapMb: number;
  /** Called as soon as the process exists, so a failed start can still be cleaned up. */
  onSpawn?: (proc: StartedProcess) => void;
}): Promise<StartedProcess & { bootstrap: string }> {
  const java = await findJava(17);
  const libs = await fetchKafka(options.cache);
  const home = join(options.state, "kafka");
  const dataDir = join(home, "data");
  mkdirSync(dataDir, { recursive: true });
  const props = join(home, "server.properties");
  writeFileSync(
    props,
    serverProperties({ port: options.port, controllerPort: options.controllerPort, dataDir }),
  );
  const log4j = join(home, "log4j2.properties");
  writeFileSync(log4j, LOG4J2);
  const classpath = `${libs}/*`;
  if (!existsSync(join(dataDir, "meta.properties"))) {
    // Static voters: format WITHOUT --standalone (4.1.1+ rejects the two together).
    await run(
      java,
      [
        "-Xmx128m",
        `-Dlog4j2.configurationFile=${log4j}`,
        "-cp",
        classpath,
        "kafka.tools.StorageTool",
        "format",
        "-t",
        newClusterId(),
        "-c",
        props,
      ],
      { what: "kafka storage format" },
    );
  }
  const logFile = join(home, "kafka.log");
  const proc = startDetached(
    java,
    [
      `-Xms${Math.min(256, options.heapMb)}m`,
      `-Xmx${options.heapMb}m`,
      "-XX:+UseG1GC",
      "-XX:MaxGCPauseMillis=20",
      "-Djava.awt.headless=true",
      `-Dlog4j2.configurationFile=${log4j}`,
      `-Dkafka.logs.dir=${home}`,
      "-cp",
      classpath,
      "kafka.Kafka",
      props,
    ],
    { logFile, marker: props },
  );
  options.onSpawn?.(proc);
  const bootstrap = `127.0.0.1:${options.port}`;
  await waitUntil("Kafka broker", () => kafkaAnswers(bootstrap), {
    timeoutMs: 90_000,
    logFile,
    alive: () => isAlive(proc.pid),
  });
  return { ...proc, bootstrap };
}
