import type { Server } from "node:http";
import type { Config } from "../../ops/config.ts";
import { startHttpServer } from "../../ops/http-server.ts";
import { errorFields, type Logger } from "../../ops/logger.ts";
import type { PipelineMetrics } from "../../ops/metrics.ts";
import type { RegistryClient } from "../../schemas/registry-client.ts";
import type { PostgresStore } from "../../sinks/postgres-store.ts";
import type { KafkaRuntime } from "../../topology/index.ts";
import type { StartupWait } from "./startup-checks.ts";

/** What the health answers are made of; filled in as start-up progresses. */
export interface HealthState {
  waiting: StartupWait;
  runtime?: KafkaRuntime;
  store?: PostgresStore;
  registry?: RegistryClient;
}

export interface Health {
  readonly server: Server | undefined;
  /** Starts sampling consumer lag (once the runtime runs). */
  startLagSampling(): void;
  stop(): Promise<void>;
}

/**
 * /metrics, /health/live and /health/ready, served from the first moment of start-up, and the lag sampler. Live
 * means the process answers. Ready means: start-up is done, the runtime runs, Kafka answers (no outage being
 * waited out), PostgreSQL and the registry answer, and consumption has not been paused by backpressure for longer
 * than READY_MAX_PAUSE_MS. While start-up waits for a server, that check reads false.
 */
export async function startHealth(options: {
  config: Config;
  logger: Logger;
  metrics: PipelineMetrics;
  state: HealthState;
  http: boolean;
}): Promise<Health> {
  const { config, logger, metrics, state } = options;
  const pings = { at: 0, db: false, registry: false };
  const refreshPings = async () => {
    if (Date.now() - pings.at < 5_000) return;
    pings.at = Date.now();
    [pings.db, pings.registry] = await Promise.all([
      state.store ? state.store.ping().catch(() => false) : false,
      state.registry ? state.registry.ping().catch(() => false) : false,
    ]);
  };
  let server: Server | undefined;
  if (options.http) {
    server = await startHttpServer({
      port: config.httpPort,
      registry: metrics.registry,
      beforeScrape: () => {
        metrics.sampleEventLoop();
        metrics.up.set(state.runtime?.state === "running" ? 1 : 0);
        metrics.assignedPartitions.set(state.runtime?.assignedPartitions ?? 0);
      },
      health: {
        ready: async () => {
          await refreshPings();
          const runtime = state.runtime;
          return {
            running: runtime?.state === "running",
            kafka: state.waiting !== "kafka" && runtime?.kafkaTrouble === undefined,
            database: state.waiting !== "database" && pings.db,
            registry: state.waiting !== "registry" && pings.registry,
            notStalled: (runtime?.pausedForMs ?? 0) < config.readyMaxPauseMs,
          };
        },
      },
    });
    logger.info("http.listening", { port: config.httpPort });
  }
  let lagTimer: NodeJS.Timeout | undefined;
  return {
    server,
    startLagSampling() {
      // Lag is sampled off the scrape path: it costs two broker round trips.
      lagTimer ??= setInterval(() => {
        state.runtime?.lag().then(
          (lags) => metrics.setLag(lags),
          // Better no series than a frozen one: a stale lag would hide a growing backlog from the alert.
          (error: unknown) => {
            metrics.setLag([]);
            logger.warn("lag.sample_failed", errorFields(error));
          },
        );
      }, 5_000);
      lagTimer.unref();
    },
    async stop() {
      if (lagTimer) clearInterval(lagTimer);
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
  };
}
