import { errorFields, type Logger } from "../../ops/logger.ts";
import type { RuntimeObserver } from "../../topology/index.ts";

/** Calls every observer's hook in turn. */
export function combineObservers(...observers: RuntimeObserver[]): RuntimeObserver {
  const keys = new Set(observers.flatMap((o) => Object.keys(o))) as Set<keyof RuntimeObserver>;
  const combined: Record<string, (...args: unknown[]) => void> = {};
  for (const key of keys) {
    combined[key] = (...args: unknown[]) => {
      for (const o of observers) (o[key] as ((...a: unknown[]) => void) | undefined)?.(...args);
    };
  }
  return combined as RuntimeObserver;
}

/** The runtime's events as allow-listed log lines: codes, counts and positions only. */
export function loggingObserver(logger: Logger): RuntimeObserver {
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
    kafkaOutage: (cause, active) =>
      active
        ? logger.error("kafka.unavailable", { code: cause })
        : logger.info("kafka.available", { code: cause }),
    rebalance: (info) =>
      logger.info("group.joined", { generation: info.generationId, partitions: info.assignments }),
    paused: (paused) => logger.info(paused ? "consumer.paused" : "consumer.resumed"),
    fatal: (error) => logger.fatal("pipeline.failed", errorFields(error)),
  };
}
