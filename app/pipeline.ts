import type { Server } from "node:http";
import { availableParallelism } from "node:os";
import { createAnonymiser, parseKeyring } from "../anonymise/index.ts";
import type { Config } from "../ops/config.ts";
import type { Logger } from "../ops/logger.ts";
import { PipelineMetrics } from "../ops/metrics.ts";
import { PIPELINE_VERSION } from "../ops/version.ts";
import { loadAllSchemas } from "../schemas/load.ts";
import type { PostgresStore } from "../sinks/postgres-store.ts";
import { type FaultPoint, KafkaRuntime, WorkerProcessing } from "../topology/index.ts";
import { PATIENT_STORES } from "../topology/patient/patient-topology.ts";
import { type HealthState, startHealth } from "./wiring/health.ts";
import { bootstrapBrokers, kafkaConnection } from "./wiring/kafka-connection.ts";
import { combineObservers, loggingObserver } from "./wiring/observers.ts";
import { buildPatientProcessing, type PatientProcessingSettings } from "./wiring/patient-processing.ts";
import { startupChecks } from "./wiring/startup-checks.ts";

export { StartupError } from "./wiring/startup-checks.ts";

export interface RunningPipeline {
  readonly runtime: KafkaRuntime;
  readonly metrics: PipelineMetrics;
  readonly store: PostgresStore;
  readonly server: Server | undefined;
  readonly topologyDescription: string;
  /** Graceful stop: drain and commit in-flight batches, leave the group, close everything. */
  stop(): Promise<void>;
}

/** Worker threads for processing: `auto` is one per core, none (the event loop) on a one-core machine. */
function processingThreads(setting: number | "auto"): number {
  if (setting !== "auto") return setting;
  const cores = availableParallelism();
  return cores < 2 ? 0 : cores;
}

/** Crash tests: SIGKILL this process the n-th time a batch reaches the named point (no cleanup can run). */
function killAt(fault: { point: string; count: number }, logger: Logger): (point: FaultPoint) => void {
  let seen = 0;
  logger.warn("fault_injection.armed", { reason: fault.point, count: fault.count });
  return (point) => {
    if (point === fault.point && ++seen === fault.count) process.kill(process.pid, "SIGKILL");
  };
}

/**
 * The composition root: compiles the policy (refusing to start on a field without one), runs the start-up checks,
 * wires the patient topology, the PostgreSQL store and Kafka into a runtime, and serves health and metrics.
 */
export async function startPipeline(
  config: Config,
  logger: Logger,
  options: {
    http?: boolean;
    metrics?: PipelineMetrics;
    /** Ends start-up early (a stop request while it waits for a server): startPipeline then rejects. */
    signal?: AbortSignal;
  } = {},
): Promise<RunningPipeline> {
  const schemas = loadAllSchemas();
  // Compiled here first so that a policy fault stops start-up before any connection is made.
  const anonymiser = createAnonymiser({
    rawSchema: schemas.patientRecord,
    anonymisedSchema: schemas.anonymisedPatientRecord,
    keyring: parseKeyring(config.keyringJson),
    strategy: config.strategy,
    pipelineVersion: PIPELINE_VERSION,
    tokenCacheSize: 0,
  });
  logger.info("policy.compiled", {
    policyVersion: anonymiser.policyVersion,
    keyId: anonymiser.keyId,
    strategy: anonymiser.strategy,
    pipelineVersion: PIPELINE_VERSION,
  });

  const metrics = options.metrics ?? new PipelineMetrics();
  const state: HealthState = { waiting: undefined };
  // Live from the first moment: an orchestrator must not kill a replica that waits for a broker at start-up.
  const health = await startHealth({ config, logger, metrics, state, http: options.http !== false });
  const signal = options.signal ?? new AbortController().signal;
  const cleanups: Array<() => Promise<unknown>> = [async () => health.stop(), async () => metrics.close()];
  const abandon = async (error: unknown): Promise<never> => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    throw error;
  };

  const { registry, outputSchemaId, store } = await startupChecks(
    config,
    logger,
    schemas.anonymisedPatientRecord,
    { signal, waiting: (on) => (state.waiting = on) },
  ).catch(abandon);
  state.registry = registry;
  state.store = store;
  cleanups.push(
    () => store.close(),
    async () => registry.close(),
  );
  const settings: PatientProcessingSettings = {
    rawTopic: config.rawTopic,
    anonymisedTopic: config.anonymisedTopic,
    keyringJson: config.keyringJson,
    strategy: config.strategy,
    tokenCacheSize: config.tokenCacheSize,
    schemaRegistryUrl: config.schemaRegistryUrl,
    registryTimeoutMs: config.registryTimeoutMs,
    outputSchemaId,
    maxRecordBytes: config.maxRecordBytes,
  };
  const retry = { initialMs: config.retryInitialMs, maxMs: config.retryMaxMs };
  const observer = combineObservers(metrics.observer(PATIENT_STORES), loggingObserver(logger));
  const threads = processingThreads(config.processingThreads);
  const processing =
    threads === 0
      ? undefined
      : new WorkerProcessing({
          module: new URL("./wiring/patient-processing.ts", import.meta.url),
          settings,
          threads,
          niceness: config.processingThreadNiceness,
          processing: {
            deadLetterTopic: config.deadLetterTopic,
            deadLetterStore: PATIENT_STORES.deadLetters,
            retry,
          },
          onRetry: (code, attempt, delay) => observer.retry?.(code, attempt, delay),
        });
  if (processing) {
    cleanups.push(() => processing.close());
    // A worker that cannot build its topology is a start-up failure, reported before anything is consumed.
    await processing.ready().catch(abandon);
  }
  logger.info("processing.ready", { count: threads, state: threads === 0 ? "event-loop" : "worker-threads" });
  const runtime = new KafkaRuntime({
    ...(processing ? { processing } : { topology: (count) => buildPatientProcessing(settings, count) }),
    sourceTopics: [config.rawTopic],
    clientId: `anonymiser-${config.instanceId}`,
    groupId: config.consumerGroup,
    transactionalId: config.transactionalId,
    bootstrapBrokers: bootstrapBrokers(config),
    connection: kafkaConnection(config),
    deadLetterTopic: config.deadLetterTopic,
    deadLetterStore: PATIENT_STORES.deadLetters,
    store,
    batch: { maxRecords: config.batchMaxRecords, maxMs: config.batchMaxMs },
    session: {
      sessionTimeoutMs: config.sessionTimeoutMs,
      heartbeatIntervalMs: Math.floor(config.sessionTimeoutMs / 10),
    },
    maxInFlightBatches: config.maxInFlightBatches,
    retry,
    observer,
    metrics: { registry: metrics.registry, client: (await import("prom-client")).default },
    ...(config.faultInjection ? { faultPoint: killAt(config.faultInjection, logger) } : {}),
  });
  const topologyDescription = buildPatientProcessing(settings, () => undefined).describe();
  state.runtime = runtime;
  await runtime.start(signal).catch(abandon);
  health.startLagSampling();
  logger.info("pipeline.started", {
    groupId: config.consumerGroup,
    instanceId: config.instanceId,
    topic: config.rawTopic,
  });

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      const stopError = await runtime.stop().then(
        () => undefined,
        (error: unknown) => error,
      );
      await health.stop();
      await store.close().catch(() => undefined);
      registry.close();
      metrics.close();
      if (stopError) throw stopError;
    })();
    return stopping;
  };
  return { runtime, metrics, store, server: health.server, topologyDescription, stop };
}
