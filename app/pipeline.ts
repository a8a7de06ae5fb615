import type { Server } from "node:http";
import type { ConnectionOptions } from "@platformatic/kafka";
import { generateAuthToken } from "aws-msk-iam-sasl-signer-js";
import { createAnonymiser, parseKeyring } from "../anonymise/index.ts";
import { CodedError, type ErrorCode } from "../contracts/index.ts";
import type { Config } from "../ops/config.ts";
import { startHttpServer } from "../ops/http-server.ts";
import { missingTopics } from "../ops/kafka-admin.ts";
import { errorFields, type Logger } from "../ops/logger.ts";
import { PipelineMetrics } from "../ops/metrics.ts";
import { PIPELINE_VERSION } from "../ops/version.ts";
import { AvroDecoder, AvroEncoder } from "../schemas/avro-codec.ts";
import { loadAllSchemas } from "../schemas/load.ts";
import { RegistryClient } from "../schemas/registry-client.ts";
import { migrate } from "../sinks/migrate.ts";
import { isTransientDbError, PostgresStore } from "../sinks/postgres-store.ts";
import {
  type FaultPoint,
  isTransient,
  KafkaRuntime,
  type RuntimeObserver,
  retryWhile,
} from "../topology/index.ts";
import { buildPatientTopology, PATIENT_STORES } from "../topology/patient/patient-topology.ts";

export interface RunningPipeline {
  readonly runtime: KafkaRuntime;
  readonly metrics: PipelineMetrics;
  readonly store: PostgresStore;
  readonly server: Server | undefined;
  readonly topologyDescription: string;
  /** Graceful stop: drain and commit in-flight batches, leave the group, close everything. */
  stop(): Promise<void>;
}

export class StartupError extends CodedError {
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, `${code}: ${message}`, { cause: options?.cause });
  }
}

function combineObservers(...observers: RuntimeObserver[]): RuntimeObserver {
  const keys = new Set(observers.flatMap((o) => Object.keys(o))) as Set<keyof RuntimeObserver>;
  const combined: Record<string, (...args: unknown[]) => void> = {};
  for (const key of keys) {
    combined[key] = (...args: unknown[]) => {
      for (const o of observers) (o[key] as ((...a: unknown[]) => void) | undefined)?.(...args);
    };
  }
  return combined as RuntimeObserver;
}

function loggingObserver(logger: Logger): RuntimeObserver {
  return {
    batchCommitted: (info) =>
      logger.debug("batch.committed", {
        records: info.records,
        deadLettered: info.deadLetters,
        skipped: info.store?.skipped ?? 0,
        dropped: info.dropped,
        durationMs: Math.round(info.processMs + info.storeMs + info.kafkaMs),
      }),
    deadLettered: (reason, where) =>
      logger.warn("record.dead_lettered", {
        code: reason.code,
        topic: where.topic,
        partition: where.partition,
        offset: where.offset,
        ...(reason.extra?.["schema.id"] ? { schemaId: reason.extra["schema.id"] } : {}),
        ...(reason.extra?.["field"] ? { field: reason.extra["field"] } : {}),
      }),
    retry: (cause, attempt, delayMs) => logger.warn("transient.retry", { code: cause, attempt, delayMs }),
    transactionAborted: (cause) => logger.warn("kafka.transaction_aborted", { reason: cause }),
    rebalance: (info) =>
      logger.info("group.joined", { generation: info.generationId, partitions: info.assignments }),
    paused: (paused) => logger.info(paused ? "consumer.paused" : "consumer.resumed"),
    fatal: (error) => logger.fatal("pipeline.failed", errorFields(error)),
  };
}

/** TLS and SASL for the Kafka clients. MSK IAM: OAUTHBEARER with a token signed by the task role's credentials. */
export function kafkaConnection(config: Config): ConnectionOptions {
  const tls = config.kafkaTls ? { tls: {} } : {};
  switch (config.kafkaSaslMechanism) {
    case "none":
      return tls;
    case "AWS_MSK_IAM":
      return {
        ...tls,
        sasl: {
          mechanism: "OAUTHBEARER",
          // Called at each (re)authentication; tokens last 15 minutes and are signed afresh each time.
          token: async () => (await generateAuthToken({ region: config.awsRegion })).token,
        },
      };
    default:
      return {
        ...tls,
        sasl: {
          mechanism: config.kafkaSaslMechanism,
          username: config.kafkaSaslUsername,
          password: config.kafkaSaslPassword ?? "",
        },
      };
  }
}

/** Crash tests: SIGKILL this process the n-th time a batch reaches the named point (no cleanup can run). */
function killAt(fault: { point: string; count: number }, logger: Logger): (point: FaultPoint) => void {
  let seen = 0;
  logger.warn("fault_injection.armed", { reason: fault.point, count: fault.count });
  return (point) => {
    if (point === fault.point && ++seen === fault.count) process.kill(process.pid, "SIGKILL");
  };
}

/** Wires configuration, engine, codecs, registry, database and Kafka into a running pipeline. */
export async function startPipeline(
  config: Config,
  logger: Logger,
  options: { http?: boolean; metrics?: PipelineMetrics } = {},
): Promise<RunningPipeline> {
  const schemas = loadAllSchemas();
  const anonymiser = createAnonymiser({
    rawSchema: schemas.patientRecord,
    anonymisedSchema: schemas.anonymisedPatientRecord,
    keyring: parseKeyring(config.keyringJson),
    strategy: config.strategy,
    pipelineVersion: PIPELINE_VERSION,
    tokenCacheSize: config.tokenCacheSize,
  });
  logger.info("policy.compiled", {
    policyVersion: anonymiser.policyVersion,
    keyId: anonymiser.keyId,
    strategy: anonymiser.strategy,
    pipelineVersion: PIPELINE_VERSION,
  });
  const bootstrap = config.kafkaBootstrapServers.split(",").map((s) => s.trim());
  const startupRetry = { initialMs: 200, maxMs: 2_000, signal: AbortSignal.timeout(60_000) };

  const missing = await retryWhile(
    () => missingTopics(bootstrap, [config.rawTopic, config.anonymisedTopic, config.deadLetterTopic]),
    () => true,
    startupRetry,
  );
  if (missing.length > 0) {
    throw new StartupError(
      "KAFKA_TOPIC_MISSING",
      `topics do not exist: ${missing.join(", ")} (run \`npm run topics:create\`)`,
    );
  }

  const registry = new RegistryClient(config.schemaRegistryUrl);
  const outputSubject = `${config.anonymisedTopic}-value`;
  const outputSchemaId = await retryWhile(
    () => registry.idOf(outputSubject, schemas.anonymisedPatientRecord),
    isTransient,
    {
      ...startupRetry,
      onRetry: (error, attempt) => logger.warn("startup.registry_retry", { ...errorFields(error), attempt }),
    },
  );

  // No URL: node-postgres reads PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD and PGSSLMODE itself.
  const store = new PostgresStore(config.databaseUrl ?? {}, { poolSize: config.dbPoolSize });
  const applied = await retryWhile(() => migrate(store.db), isTransientDbError, {
    ...startupRetry,
    onRetry: (error, attempt) => logger.warn("startup.database_retry", { ...errorFields(error), attempt }),
  });
  logger.info("database.migrated", { applied });

  const metrics = options.metrics ?? new PipelineMetrics();
  const decoder = new AvroDecoder({
    registry,
    readerSchema: schemas.patientRecord,
    maxRecordBytes: config.maxRecordBytes,
    acceptWriter: (writer) => anonymiser.checkWriterSchema(writer),
  });
  const encoder = new AvroEncoder(schemas.anonymisedPatientRecord, outputSchemaId);
  const topology = buildPatientTopology({
    rawTopic: config.rawTopic,
    anonymisedTopic: config.anonymisedTopic,
    decode: (data) => decoder.decode(data),
    encode: (value) => encoder.encode(value),
    anonymiser,
    onResult: (result) => metrics.onResult(result),
  });

  const runtime = new KafkaRuntime({
    topology,
    clientId: `anonymiser-${config.instanceId}`,
    groupId: config.consumerGroup,
    transactionalId: config.transactionalId,
    bootstrapBrokers: bootstrap,
    connection: kafkaConnection(config),
    deadLetterTopic: config.deadLetterTopic,
    deadLetterStore: PATIENT_STORES.deadLetters,
    store: { commit: (batch) => store.commit(batch) },
    batch: { maxRecords: config.batchMaxRecords, maxMs: config.batchMaxMs },
    session: {
      sessionTimeoutMs: config.sessionTimeoutMs,
      heartbeatIntervalMs: Math.floor(config.sessionTimeoutMs / 10),
    },
    retry: { initialMs: config.retryInitialMs, maxMs: config.retryMaxMs },
    observer: combineObservers(metrics.observer(PATIENT_STORES), loggingObserver(logger)),
    metrics: { registry: metrics.registry, client: (await import("prom-client")).default },
    ...(config.faultInjection ? { faultPoint: killAt(config.faultInjection, logger) } : {}),
  });

  let server: Server | undefined;
  const pings = { at: 0, db: false, registry: false };
  const refreshPings = async () => {
    if (Date.now() - pings.at < 5_000) return;
    pings.at = Date.now();
    [pings.db, pings.registry] = await Promise.all([
      store.ping().catch(() => false),
      registry.ping().catch(() => false),
    ]);
  };
  if (options.http !== false) {
    server = await startHttpServer({
      port: config.httpPort,
      registry: metrics.registry,
      beforeScrape: () => {
        metrics.sampleEventLoop();
        metrics.sampleTokenCache(anonymiser.tokenCacheStats());
        metrics.up.set(runtime.state === "running" ? 1 : 0);
        metrics.assignedPartitions.set(runtime.assignedPartitions);
      },
      health: {
        ready: async () => {
          await refreshPings();
          return {
            running: runtime.state === "running",
            database: pings.db,
            registry: pings.registry,
            notStalled: runtime.pausedForMs < config.readyMaxPauseMs,
          };
        },
      },
    });
    logger.info("http.listening", { port: config.httpPort });
  }

  await runtime.start();
  // Lag is sampled off the scrape path: it costs two broker round trips.
  const lagTimer = setInterval(() => {
    runtime.lag().then(
      (lags) => metrics.setLag(lags),
      // Better no series than a frozen one: a stale lag would hide a growing backlog from the alert.
      (error: unknown) => {
        metrics.setLag([]);
        logger.warn("lag.sample_failed", errorFields(error));
      },
    );
  }, 5_000);
  lagTimer.unref();
  logger.info("pipeline.started", {
    groupId: config.consumerGroup,
    instanceId: config.instanceId,
    topic: config.rawTopic,
  });

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      clearInterval(lagTimer);
      const stopError = await runtime.stop().then(
        () => undefined,
        (error: unknown) => error,
      );
      await store.close().catch(() => undefined);
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      metrics.close();
      if (stopError) throw stopError;
    })();
    return stopping;
  };
  return { runtime, metrics, store, server, topologyDescription: topology.describe(), stop };
}
