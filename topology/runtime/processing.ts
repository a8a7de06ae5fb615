import { setImmediate as yieldToLoop } from "node:timers/promises";
import { isTransient } from "../dsl/errors.ts";
import type { Topology } from "../dsl/topology.ts";
import type { DeadLetterReason } from "../dsl/types.ts";
import { BatchCollector } from "./batch.ts";
import type { ExceptionHandlers } from "./handlers.ts";
import { materialise, type OutgoingMessage } from "./materialise.ts";
import type { Position } from "./partition-tracker.ts";
import { type ConsumedRecord, RecordProcessor } from "./record-processor.ts";
import { type BackoffOptions, backoffDelay, sleep } from "./retry.ts";
import type { StoreRecord } from "./store.ts";

/** What one batch of consumed records turned into, ready to commit. */
export interface ProcessedBatch {
  /** Messages of the Kafka transaction: topic outputs, then dead letters (raw bytes + error headers). */
  messages: OutgoingMessage[];
  /** Store records by store name, dead-letter metadata included. */
  stores: Map<string, StoreRecord[]>;
  deadLetters: Array<{ reason: DeadLetterReason; position: Position }>;
  /** Records that produced topic output. */
  topicRecords: number;
  /** Counters the topology's nodes reported while processing (see `ProcessingContext.count`). */
  counters: Map<string, number>;
  /**
   * Time spent processing the batch, when the stage measures it itself (worker threads: the longest slice, leaving
   * out the time the batch waited behind the one before); otherwise the time from handing the batch over is used.
   */
  processMs?: number;
}

export interface ProcessingOptions {
  handlers: ExceptionHandlers;
  deadLetterTopic: string | undefined;
  deadLetterStore: string | undefined;
  retry: BackoffOptions;
  onRetry?: (code: string, attempt: number, delayMs: number) => void;
}

/** Turns consumed records into a committable batch. Implementations: on the event loop, or in worker threads. */
export interface ProcessingStage {
  process(records: readonly ConsumedRecord[], signal: AbortSignal): Promise<ProcessedBatch>;
  /**
   * The stage may be given the next batch before the previous one's `process` has settled: it starts batches in the
   * order given and settles each on its own, possibly out of order. A record's result depends on that record alone
   * (the engine is deterministic; caches only save work), so which batch's records are processed first changes no
   * output; the stages after this one store and commit the results in batch order.
   */
  readonly overlaps?: boolean;
  /** The partitions this replica now owns (at every group join); a stage may use it to route records. */
  assigned?(partitions: ReadonlyArray<{ topic: string; partition: number }>): void;
  close(): Promise<void>;
}

/** Records between yields to the event loop, so that I/O callbacks and timers are not held up by a whole batch. */
const YIELD_EVERY = 64;

/**
 * Runs records through the topology. A transient error (registry unreachable) is retried with backoff, record by
 * record, leaving nothing of the failed attempt behind; a permanent one is the record's dead letter (or stops the
 * pipeline, per the handlers). Shared by the inline stage and the worker threads.
 */
export async function processRecords(
  processor: RecordProcessor,
  records: readonly ConsumedRecord[],
  options: ProcessingOptions,
  signal: AbortSignal,
  counters: Map<string, number>,
): Promise<ProcessedBatch> {
  const collector = new BatchCollector();
  for (let i = 0; i < records.length; i++) {
    if (i > 0 && i % YIELD_EVERY === 0) await yieldToLoop();
    const record = records[i] as ConsumedRecord;
    const mark = collector.mark();
    for (let attempt = 0; ; attempt++) {
      try {
        const pending = processor.process(record, collector);
        if (pending) await pending;
        break;
      } catch (error) {
        collector.rollback(mark);
        if (!isTransient(error) || signal.aborted) throw error;
        const wait = backoffDelay(attempt, options.retry);
        options.onRetry?.(error.code, attempt + 1, wait);
        await sleep(wait, signal);
      }
    }
  }
  const { messages, stores } = materialise(collector, {
    deadLetterTopic: options.deadLetterTopic,
    deadLetterStore: options.deadLetterStore,
  });
  return {
    messages,
    stores,
    deadLetters: collector.deadLetters.map((d) => ({
      reason: d.reason,
      position: { topic: d.context.topic, partition: d.context.partition, offset: d.context.offset },
    })),
    topicRecords: collector.topics.length,
    counters,
  };
}

/** Increments a named counter of the batch being processed; topologies report per-record outcomes with it. */
export type CountFn = (key: string, n?: number) => void;

/** Builds the topology; `count` feeds `ProcessedBatch.counters` (counters cross threads, metric objects do not). */
export type TopologyFactory = (count: CountFn) => Topology;

/** Processing on the event loop (one core), yielding between groups of records. */
export class InlineProcessing implements ProcessingStage {
  readonly #processor: RecordProcessor;
  readonly #options: ProcessingOptions;
  #counters = new Map<string, number>();

  constructor(build: TopologyFactory, options: ProcessingOptions) {
    const count: CountFn = (key, n = 1) => this.#counters.set(key, (this.#counters.get(key) ?? 0) + n);
    this.#processor = new RecordProcessor(build(count), options.handlers, {
      canDeadLetter: Boolean(options.deadLetterTopic),
    });
    this.#options = options;
  }

  async process(records: readonly ConsumedRecord[], signal: AbortSignal): Promise<ProcessedBatch> {
    // One batch at a time per stage: the runtime awaits each before starting the next.
    this.#counters = new Map();
    return processRecords(this.#processor, records, this.#options, signal, this.#counters);
  }

  async close(): Promise<void> {}
}
