import type { Server } from "node:http";
import type { Config } from "../../ops/config.ts";
import { startHttpServer } from "../../ops/http-server.ts";
import { errorFields, type Logger } from "../../ops/logger.ts";
import type { PipelineMetrics } from "../../ops/metrics.ts";
import type { RegistryClient } from "../../schemas/registry-client.ts";
import type { PostgresStore } from "../../sinks/postgres-store.ts";
import type { KafkaRuntime } from "../../topology/index.ts";

export interface Health {
  readonly server: Server | undefined;
  stop(): Promise<void>;
}

/**
 * /metrics, /health/live and /health/ready, and the lag sampler. Ready means: the runtime runs, Kafka answers (no
 * outage being waited out), PostgreSQL and the registry answer, and consumption has not been paused by
 * backpressure for longer than READY_MAX_PAUSE_MS.
 */
export async function startHealth(options: {
  config: Config;
  logger: Logger;
  metrics: PipelineMetrics;
  runtime: KafkaRuntime;
  store: PostgresStore;
  registry: RegistryClient;
  http: boolean;
}): Promise<Health> {
  const { config, logger, metrics, runtime, store, registry } = options;
  const pings = { at: 0, db: false, registry: false };
  const refreshPings = async () => {
    if (Date.now() - pings.at < 5_000) return;
    pings.at = Date.now();
    [pings.db, pings.registry] = await Promise.all([
      store.ping().catch(() => false),
      registry.ping().catch(() => false),
    ]);
  };
  let server: Server | undefined;
  if (options.http) {
    server = await startHttpServer({
      port: config.httpPort,
      registry: metrics.registry,
      beforeScrape: () => {
        metrics.sampleEventLoop();
        metrics.up.set(runtime.state === "running" ? 1 : 0);
        metrics.assignedPartitions.set(runtime.assignedPartitions);
      },
      health: {
        ready: async () => {
          await refreshPings();
          return {
            running: runtime.state === "running",
            kafka: runtime.kafkaTrouble === undefined,
            database: pings.db,
            registry: pings.registry,
            notStalled: runtime.pausedForMs < config.readyMaxPauseMs,
          };
        },
      },
    });
    logger.info("http.listening", { port: config.httpPort });
  }
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
  return {
    server,
    async stop() {
      clearInterval(lagTimer);
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
  };
}
