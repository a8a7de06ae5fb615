import { isTransient, TopologyFailedError } from "../dsl/errors.ts";
import type { RawMessage } from "./consumer-supervisor.ts";
import type { CommitOutcome } from "./kafka-committer.ts";
import type { RuntimeObserver } from "./observer.ts";
import { lastPerPartition, type PartitionTracker, type Position } from "./partition-tracker.ts";
import type { ProcessedBatch, ProcessingStage } from "./processing.ts";
import type { ConsumedRecord } from "./record-processor.ts";
import { type BackoffOptions, retryWhile } from "./retry.ts";
import type { ExternalStore, PartitionOffset, StoreCommitResult } from "./store.ts";

/** A sealed batch on its way through process → store commit → Kafka commit. */
interface Job {
  records: RawMessage[];
  /** The tracker's generation when the batch was (last) processed: a join since means it must be taken again. */
  generation: number;
  admitted: RawMessage[];
  processed: ProcessedBatch | undefined;
  offsets: PartitionOffset[];
  dropped: number;
  /** Records taken out by `forget` (their partition moved away while the batch was in flight). */
  forgotten: number;
  processMs: number;
  storeMs: number;
  store: StoreCommitResult | undefined;
}

export type StageFaultPoint = "before-store-commit" | "after-store-commit" | "after-kafka-commit";

export interface OrderedStagesOptions {
  groupId: string;
  tracker: PartitionTracker;
  processing: ProcessingStage;
  store: ExternalStore | undefined;
  commitKafka(
    messages: ProcessedBatch["messages"],
    last: Position[],
    generation: number,
  ): Promise<CommitOutcome>;
  /** Settles once the committed position of every owned partition is known (it is replaced at each join). */
  positionsKnown(): Promise<void>;
  /** Re-deliveries the runtime dropped since the last report (counted into the next batch's report). */
  takeRedeliveriesDropped(): number;
  retry: BackoffOptions;
  signal: AbortSignal;
  observer: RuntimeObserver | undefined;
  faultPoint: ((point: StageFaultPoint) => void) | undefined;
}

const ignore = () => undefined;

const toConsumed = (m: RawMessage): ConsumedRecord => ({
  topic: m.topic,
  partition: m.partition,
  offset: m.offset,
  timestamp: m.timestamp,
  key: m.key ?? undefined,
  value: m.value ?? undefined,
  headers: m.headers,
});

/**
 * The three stages every batch goes through, each strictly in batch order: processing (CPU), the external store's
 * commit, then the Kafka transaction. Each stage works on the next batch as soon as it has finished the previous
 * one, so batch N+1 is processed while batch N commits; `submit` returns the promise of the batch's Kafka commit.
 */
export class OrderedStages {
  readonly #o: OrderedStagesOptions;
  #processTail: Promise<unknown> = Promise.resolve();
  #storeTail: Promise<unknown> = Promise.resolve();
  #kafkaTail: Promise<unknown> = Promise.resolve();
  /** Batches submitted and not yet through their Kafka commit. */
  readonly #inFlight = new Set<Job>();

  constructor(options: OrderedStagesOptions) {
    this.#o = options;
  }

  /** Settles when every batch submitted so far has gone through (or failed). */
  get drained(): Promise<unknown> {
    return this.#kafkaTail;
  }

  /**
   * A join: the records of partitions this replica no longer owns leave every batch in flight for good. Their new
   * owner reads them from the committed offset. If a partition comes back while a batch is still in flight, the
   * client reads it again from the committed offset, into new batches; a batch that had kept its old records of it
   * would commit that partition past records an earlier batch let go (records lost).
   */
  forget(owned: (record: RawMessage) => boolean): void {
    for (const job of this.#inFlight) {
      const kept = job.records.filter(owned);
      job.forgotten += job.records.length - kept.length;
      job.records = kept;
    }
  }

  submit(records: RawMessage[]): Promise<void> {
    const job: Job = {
      records,
      generation: -1,
      admitted: [],
      processed: undefined,
      offsets: [],
      dropped: 0,
      forgotten: 0,
      processMs: 0,
      storeMs: 0,
      store: undefined,
    };
    const processed = this.#inProcessOrder(job);
    const stored = Promise.all([processed, this.#storeTail]).then(() => this.#storeCommit(job));
    this.#storeTail = stored.catch(ignore);
    const committed = Promise.all([stored, this.#kafkaTail])
      .then(() => this.#kafkaCommit(job))
      .finally(() => this.#inFlight.delete(job));
    this.#inFlight.add(job);
    this.#kafkaTail = committed.catch(ignore);
    return committed;
  }

  /**
   * Processes the batch after every batch submitted before it has been handed to the processing stage: a stage that
   * overlaps batches (worker threads, which queue each thread's work in order) takes the next batch as soon as this
   * one is handed over, so a thread that finished its part of a batch starts on the next one instead of waiting for
   * the other threads; any other stage takes it once this one is done. Either way the batches' results are stored
   * and committed in batch order by the stages after it.
   */
  #inProcessOrder(job: Job): Promise<void> {
    const handedOver = this.#processTail.then(() => this.#process(job));
    const processed = handedOver.then((p) => p.done);
    this.#processTail = (this.#o.processing.overlaps === true ? handedOver : processed).catch(ignore);
    return processed;
  }

  #checkRunning(): void {
    if (this.#o.signal.aborted)
      throw new TopologyFailedError("the pipeline stopped before the batch committed");
  }

  /** Hands the batch's admissible records to the processing stage; `done` settles when they are processed. */
  async #process(job: Job): Promise<{ done: Promise<void> }> {
    this.#checkRunning();
    const o = this.#o;
    // Wait until the committed position of every owned partition is known (a join may come while waiting).
    for (let known = o.positionsKnown(); ; known = o.positionsKnown()) {
      await known;
      if (known === o.positionsKnown()) break;
    }
    const started = performance.now();
    job.generation = o.tracker.generation;
    job.admitted = o.tracker.admissible(job.records);
    job.dropped = job.records.length - job.admitted.length;
    const admitted = job.admitted;
    const processing =
      admitted.length === 0 ? undefined : o.processing.process(admitted.map(toConsumed), o.signal);
    const done = (async () => {
      job.processed = await processing;
      job.offsets = lastPerPartition(admitted).map((m) => ({
        topic: m.topic,
        partition: m.partition,
        nextOffset: m.offset + 1n,
      }));
      job.processMs += job.processed?.processMs ?? performance.now() - started;
    })();
    return { done };
  }

  async #storeCommit(job: Job): Promise<void> {
    this.#checkRunning();
    const o = this.#o;
    if (!job.processed) return;
    const started = performance.now();
    o.faultPoint?.("before-store-commit");
    if (o.store) {
      const store = o.store;
      const batch = { consumerGroup: o.groupId, records: job.processed.stores, offsets: job.offsets };
      job.store = await retryWhile(() => store.commit(batch), isTransient, {
        ...o.retry,
        signal: o.signal,
        onRetry: (error, attempt, delay) =>
          o.observer?.retry?.((error as { code?: string }).code ?? "STORE_TRANSIENT", attempt, delay),
      });
    }
    job.storeMs += performance.now() - started;
    o.faultPoint?.("after-store-commit");
  }

  /**
   * The Kafka commit, in batch order. When the group rebalanced under the batch, or an earlier batch committed some
   * of its records meanwhile, it is taken again from the top: records of partitions that moved away are left to
   * their new owner, records already committed are dropped, the rest are processed again (deterministically),
   * stored (the store skips what it already holds) and committed under the current generation.
   */
  async #kafkaCommit(job: Job): Promise<void> {
    const o = this.#o;
    for (;;) {
      this.#checkRunning();
      if (!job.processed) break;
      // A record an earlier batch has committed since this one was processed (the partition moved away and back,
      // and the client fetched it again) must not be published twice: take the batch again without it.
      if (!o.tracker.allAdmissible(job.admitted)) {
        await this.#inProcessOrder(job);
        await this.#storeCommit(job);
        continue;
      }
      const started = performance.now();
      const outcome = await o.commitKafka(
        job.processed.messages,
        lastPerPartition(job.admitted),
        job.generation,
      );
      const kafkaMs = performance.now() - started;
      if (outcome === "committed") {
        o.faultPoint?.("after-kafka-commit");
        o.tracker.committed(job.offsets);
        this.#report(job, kafkaMs);
        return;
      }
      // Rebalanced: again, in order with the other stages' work.
      await this.#inProcessOrder(job);
      await this.#storeCommit(job);
    }
    o.tracker.committed(job.offsets);
    this.#report(job, 0);
  }

  #report(job: Job, kafkaMs: number): void {
    const o = this.#o;
    const processed = job.processed;
    const dropped = job.dropped + job.forgotten + o.takeRedeliveriesDropped();
    if (!processed && dropped === 0) return;
    for (const dead of processed?.deadLetters ?? []) o.observer?.deadLettered?.(dead.reason, dead.position);
    const storeCounts = new Map<string, number>();
    for (const [name, list] of processed?.stores ?? []) storeCounts.set(name, list.length);
    o.observer?.batchCommitted?.({
      records: processed ? job.admitted.length : 0,
      topicRecords: processed?.topicRecords ?? 0,
      deadLetters: processed?.deadLetters.length ?? 0,
      stores: storeCounts,
      ...(job.store ? { store: job.store } : {}),
      storeMs: job.storeMs,
      kafkaMs,
      processMs: job.processMs,
      dropped,
      timestamps: processed ? job.admitted.map((r) => r.timestamp) : [],
      counters: processed?.counters ?? new Map(),
    });
  }
}
