import { monitorEventLoopDelay } from "node:perf_hooks";
import promClient, { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { RuntimeObserver } from "../topology/index.ts";

/** How often the event-loop monitor's timer fires, in milliseconds. */
const LOOP_RESOLUTION_MS = 10;

/**
 * The event loop's delay, in milliseconds: how late the monitor's timer fired. Node's monitorEventLoopDelay records
 * the whole time between firings, the timer's own period included (an idle loop reads 10 ms), so the period is
 * taken off here; a reading below it (timer jitter) is no delay.
 */
export function loopDelayMs(intervalNs: number): number {
  return Math.max(0, intervalNs / 1e6 - LOOP_RESOLUTION_MS);
}

/** A monitor of the event loop's delay (loopDelayMs), read in milliseconds. */
export class EventLoopDelay {
  readonly #histogram = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });

  enable(): void {
    this.#histogram.enable();
  }

  disable(): void {
    this.#histogram.disable();
  }

  reset(): void {
    this.#histogram.reset();
  }

  /** The delay at percentile `p` (0–100); 0 before the first sample. */
  percentileMs(p: number): number {
    return this.#histogram.count === 0 ? 0 : loopDelayMs(this.#histogram.percentile(p));
  }

  maxMs(): number {
    return this.#histogram.count === 0 ? 0 : loopDelayMs(this.#histogram.max);
  }
}

/**
 * The pipeline's Prometheus metrics. Labels take values from closed sets only (outcomes, reason codes, entity
 * types, phases, partitions): never a record value, never an unbounded set.
 */
export class PipelineMetrics {
  readonly registry = new Registry();
  readonly recordsIn: Counter;
  readonly outcomes: Counter<"outcome">;
  readonly deadLetters: Counter<"reason">;
  readonly withheld: Counter<"reason">;
  readonly anonymiseFailures: Counter<"reason">;
  readonly replacements: Counter<"entity">;
  readonly batchRecords: Histogram;
  readonly batchPhase: Histogram<"phase">;
  readonly endToEnd: Histogram;
  readonly processing: Histogram;
  readonly transactionAborts: Counter<"cause">;
  readonly retries: Counter<"cause">;
  readonly replayedSkipped: Counter;
  readonly droppedRedeliveries: Counter;
  readonly paused: Gauge;
  readonly assignedPartitions: Gauge;
  readonly rebalances: Counter;
  readonly tokenCacheHits: Counter;
  readonly tokenCacheMisses: Counter;
  readonly consumerLag: Gauge<"topic" | "partition">;
  readonly kafkaOutages: Counter<"cause">;
  readonly kafkaAvailable: Gauge;
  readonly eventLoopDelay: Gauge<"quantile">;
  readonly up: Gauge;
  readonly lastCommit: Gauge;
  readonly #loop = new EventLoopDelay();

  constructor(options: { defaultLabels?: Record<string, string> } = {}) {
    const r = this.registry;
    if (options.defaultLabels) r.setDefaultLabels(options.defaultLabels);
    promClient.collectDefaultMetrics({ register: r });
    const buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
    this.recordsIn = new Counter({
      name: "anonymiser_records_in_total",
      help: "Records consumed and processed (committed batches)",
      registers: [r],
    });
    this.outcomes = new Counter({
      name: "anonymiser_records_total",
      help: "Committed records by outcome: anonymised, withheld, dead_lettered",
      labelNames: ["outcome"],
      registers: [r],
    });
    this.deadLetters = new Counter({
      name: "anonymiser_dead_letters_total",
      help: "Records sent to the dead-letter branch, by reason code",
      labelNames: ["reason"],
      registers: [r],
    });
    this.withheld = new Counter({
      name: "anonymiser_withheld_total",
      help: "Withheld records (national data opt-out or consent missing) by reason, counted when their batch commits",
      labelNames: ["reason"],
      registers: [r],
    });
    this.anonymiseFailures = new Counter({
      name: "anonymiser_anonymise_failures_total",
      help: "Anonymisation refusals by reason code, counted when their batch commits",
      labelNames: ["reason"],
      registers: [r],
    });
    this.replacements = new Counter({
      name: "anonymiser_text_replacements_total",
      help: "Free-text replacements by entity type",
      labelNames: ["entity"],
      registers: [r],
    });
    this.batchRecords = new Histogram({
      name: "anonymiser_sink_batch_records",
      help: "Records per committed batch",
      buckets: [1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000],
      registers: [r],
    });
    this.batchPhase = new Histogram({
      name: "anonymiser_batch_phase_seconds",
      help: "Time per batch phase: process, store (PostgreSQL flush), kafka (transaction)",
      labelNames: ["phase"],
      buckets,
      registers: [r],
    });
    this.endToEnd = new Histogram({
      name: "anonymiser_end_to_end_latency_seconds",
      help: "From the raw record's Kafka timestamp to its batch committed in PostgreSQL and Kafka",
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
      registers: [r],
    });
    this.processing = new Histogram({
      name: "anonymiser_processing_seconds_per_record",
      help: "Processing time per record (decode + anonymise + encode), averaged per batch",
      buckets: [0.00001, 0.00002, 0.00005, 0.0001, 0.0002, 0.0005, 0.001, 0.005],
      registers: [r],
    });
    this.transactionAborts = new Counter({
      name: "anonymiser_transaction_aborts_total",
      help: "Kafka transactions aborted, by cause",
      labelNames: ["cause"],
      registers: [r],
    });
    this.retries = new Counter({
      name: "anonymiser_retries_total",
      help: "Retries of transient failures, by cause code",
      labelNames: ["cause"],
      registers: [r],
    });
    this.replayedSkipped = new Counter({
      name: "anonymiser_sink_replayed_skipped_total",
      help: "Records skipped by the sink because their offsets were already committed (replay after a crash)",
      registers: [r],
    });
    this.droppedRedeliveries = new Counter({
      name: "anonymiser_redeliveries_dropped_total",
      help: "Consumed records dropped as already committed or fetched before a rebalance",
      registers: [r],
    });
    this.paused = new Gauge({
      name: "anonymiser_consumer_paused",
      help: "1 while consumption is paused by backpressure",
      registers: [r],
    });
    this.assignedPartitions = new Gauge({
      name: "anonymiser_assigned_partitions",
      help: "Partitions assigned to this replica",
      registers: [r],
    });
    this.rebalances = new Counter({
      name: "anonymiser_rebalances_total",
      help: "Consumer group joins (rebalances) seen by this replica",
      registers: [r],
    });
    this.tokenCacheHits = new Counter({
      name: "anonymiser_token_cache_hits_total",
      help: "Pseudonym token cache hits",
      registers: [r],
    });
    this.tokenCacheMisses = new Counter({
      name: "anonymiser_token_cache_misses_total",
      help: "Pseudonym token cache misses",
      registers: [r],
    });
    this.consumerLag = new Gauge({
      name: "anonymiser_consumer_lag",
      help: "Offsets still to process per assigned partition (end offset minus committed position)",
      labelNames: ["topic", "partition"],
      registers: [r],
    });
    this.eventLoopDelay = new Gauge({
      name: "anonymiser_event_loop_delay_seconds",
      help: "Event-loop delay quantiles over the last scrape interval: how late a 10 ms timer fired (0 on an idle loop)",
      labelNames: ["quantile"],
      registers: [r],
    });
    this.up = new Gauge({
      name: "anonymiser_up",
      help: "1 while the pipeline runtime is running",
      registers: [r],
    });
    this.lastCommit = new Gauge({
      name: "anonymiser_last_commit_timestamp_seconds",
      help: "Unix time of the last committed batch",
      registers: [r],
    });
    this.kafkaOutages = new Counter({
      name: "anonymiser_kafka_outages_total",
      help: "Times Kafka became unreachable or unusable for this replica (consumption or commits), by cause code",
      labelNames: ["cause"],
      registers: [r],
    });
    this.kafkaAvailable = new Gauge({
      name: "anonymiser_kafka_available",
      help: "0 while this replica waits out a Kafka outage (not ready), 1 otherwise",
      registers: [r],
    });
    this.kafkaAvailable.set(1);
    this.#loop.enable();
  }

  /**
   * The topology's per-batch counters (keys from `outcomeCounters`), applied when the batch commits: a batch taken
   * again after a rebalance is counted once.
   */
  #applyCounters(counters: ReadonlyMap<string, number>): void {
    for (const [key, n] of counters) {
      const at = key.indexOf(":");
      const kind = key.slice(0, at);
      const label = key.slice(at + 1);
      if (kind === "replacement") this.replacements.inc({ entity: label }, n);
      else if (kind === "withheld") this.withheld.inc({ reason: label }, n);
      else if (kind === "failure") this.anonymiseFailures.inc({ reason: label }, n);
      else if (key === "cache:hit") this.tokenCacheHits.inc(n);
      else if (key === "cache:miss") this.tokenCacheMisses.inc(n);
    }
  }

  /** Replaces the lag series with this replica's current assignment (a partition that moved away disappears). */
  setLag(lags: ReadonlyArray<{ topic: string; partition: number; lag: bigint }>): void {
    this.consumerLag.reset();
    for (const l of lags)
      this.consumerLag.set({ topic: l.topic, partition: String(l.partition) }, Number(l.lag));
  }

  /** Refreshes sampled gauges; call before each scrape. */
  sampleEventLoop(): void {
    for (const q of [0.5, 0.9, 0.99])
      this.eventLoopDelay.set({ quantile: String(q) }, this.#loop.percentileMs(q * 100) / 1e3);
    this.eventLoopDelay.set({ quantile: "1" }, this.#loop.maxMs() / 1e3);
    this.#loop.reset();
  }

  observer(stores: { anonymised: string; withheld: string; deadLetters: string }): RuntimeObserver {
    return {
      batchCommitted: (info) => {
        const now = Date.now();
        this.recordsIn.inc(info.records);
        this.outcomes.inc({ outcome: "anonymised" }, info.stores.get(stores.anonymised) ?? 0);
        this.outcomes.inc({ outcome: "withheld" }, info.stores.get(stores.withheld) ?? 0);
        this.outcomes.inc({ outcome: "dead_lettered" }, info.deadLetters);
        this.batchRecords.observe(info.records);
        this.batchPhase.observe({ phase: "process" }, info.processMs / 1000);
        this.batchPhase.observe({ phase: "store" }, info.storeMs / 1000);
        this.batchPhase.observe({ phase: "kafka" }, info.kafkaMs / 1000);
        if (info.records > 0) this.processing.observe(info.processMs / 1000 / info.records);
        if (info.store) this.replayedSkipped.inc(info.store.skipped);
        if (info.dropped > 0) this.droppedRedeliveries.inc(info.dropped);
        for (const ts of info.timestamps) this.endToEnd.observe(Math.max(0, now - Number(ts)) / 1000);
        this.lastCommit.set(now / 1000);
        this.#applyCounters(info.counters);
      },
      deadLettered: (reason) => this.deadLetters.inc({ reason: reason.code }),
      retry: (cause) => this.retries.inc({ cause }),
      transactionAborted: (cause) => this.transactionAborts.inc({ cause }),
      rebalance: (info) => {
        this.rebalances.inc();
        this.assignedPartitions.set(info.assignments);
      },
      paused: (paused) => this.paused.set(paused ? 1 : 0),
      kafkaOutage: (cause, active) => {
        if (active) this.kafkaOutages.inc({ cause });
        this.kafkaAvailable.set(active ? 0 : 1);
      },
    };
  }

  close(): void {
    this.#loop.disable();
  }
}
