import {
  Admin,
  type ConnectionOptions,
  Consumer,
  compatibilityPartitioner,
  Producer,
} from "@platformatic/kafka";
import { isTransient, TopologyFailedError } from "../dsl/errors.ts";
import type { Topology } from "../dsl/topology.ts";
import { Batcher } from "./batcher.ts";
import { type ConsumerLike, ConsumerSupervisor, type RawMessage } from "./consumer-supervisor.ts";
import { deadLetterEverything, type ExceptionHandlers } from "./handlers.ts";
import { type ProducerLike, type StableOffsetReader, TransactionalCommitter } from "./kafka-committer.ts";
import { classifyKafkaError } from "./kafka-errors.ts";
import type { RuntimeObserver } from "./observer.ts";
import { lastPerPartition, type Membership, PartitionTracker } from "./partition-tracker.ts";
import {
  InlineProcessing,
  type ProcessedBatch,
  type ProcessingStage,
  type TopologyFactory,
} from "./processing.ts";
import type { ConsumedRecord } from "./record-processor.ts";
import { type BackoffOptions, retryWhile, sleep } from "./retry.ts";
import type { ExternalStore, PartitionOffset, StoreCommitResult } from "./store.ts";

export interface KafkaRuntimeOptions {
  /**
   * The graph to run on the event loop, or a factory that builds it with a per-batch counter function; or give
   * `processing` (e.g. a worker pool) and `sourceTopics` instead.
   */
  topology?: Topology | TopologyFactory;
  processing?: ProcessingStage;
  sourceTopics?: string[];
  clientId: string;
  groupId: string;
  /** Stable per replica, so that a restarted replica fences its predecessor's open transaction at once. */
  transactionalId: string;
  bootstrapBrokers: string[];
  connection?: ConnectionOptions;
  deadLetterTopic?: string;
  deadLetterStore?: string;
  store?: ExternalStore;
  handlers?: ExceptionHandlers;
  batch: { maxRecords: number; maxMs: number };
  /** Batches sealed and not yet committed before consumption pauses (processing overlaps the commits). */
  maxInFlightBatches?: number;
  retry: BackoffOptions;
  observer?: RuntimeObserver;
  /** Passed through to @platformatic/kafka (`{ registry, client }` of prom-client) for the client's own metrics. */
  metrics?: ConstructorParameters<typeof Producer>[0]["metrics"];
  session?: { sessionTimeoutMs?: number; heartbeatIntervalMs?: number; rebalanceTimeoutMs?: number };
  /** How long stop() waits for in-flight batches to commit before giving up (default 15 s). */
  drainTimeoutMs?: number;
  /** Fault-injection points for crash tests; called synchronously at each point of a batch's commit. */
  faultPoint?: (point: FaultPoint) => void;
  /** Client factories; default to @platformatic/kafka's. Unit tests pass fakes. */
  clients?: Partial<RuntimeClients>;
}

export interface RuntimeClients {
  createProducer(): ProducerLike;
  createConsumer(): ConsumerLike;
  readStableOffsets: StableOffsetReader;
}

export type FaultPoint =
  | "before-store-commit"
  | "after-store-commit"
  | "in-kafka-transaction"
  | "after-kafka-commit";

export type RuntimeState = "created" | "starting" | "running" | "stopping" | "stopped" | "failed";

/** A sealed batch on its way through process → store commit → Kafka commit. */
interface Job {
  records: RawMessage[];
  /** The tracker's generation when the batch was (last) processed: a join since means it must be taken again. */
  generation: number;
  admitted: RawMessage[];
  processed: ProcessedBatch | undefined;
  offsets: PartitionOffset[];
  dropped: number;
  processMs: number;
  storeMs: number;
  store: StoreCommitResult | undefined;
}

const toConsumed = (m: RawMessage): ConsumedRecord => ({
  topic: m.topic,
  partition: m.partition,
  offset: m.offset,
  timestamp: m.timestamp,
  key: m.key ?? undefined,
  value: m.value ?? undefined,
  headers: m.headers,
});

const ignore = () => undefined;

/**
 * Executes a topology on Kafka, exactly once. Records are consumed in batches (size- and time-bounded); each batch is
 * processed, committed to the external store together with its offsets, then produced in one Kafka transaction that
 * also commits the consumed offsets. A crash between the two commits is harmless: the batch is consumed again, the
 * store skips offsets it already holds, and the aborted transaction's output is invisible to read_committed readers.
 *
 * Batches flow through three stages, each in batch order: processing (CPU), the store commit and the Kafka commit
 * (I/O). Batch N+1 is processed while batch N commits; at most `maxInFlightBatches` are between sealing and their
 * Kafka commit, beyond which consumption pauses (bounded memory).
 *
 * The parts: a Batcher seals batches; a PartitionTracker knows what this replica owns and has committed (and drops
 * re-deliveries); a ConsumerSupervisor keeps a consumer in the group through broker outages; a
 * TransactionalCommitter owns the producer and the transaction protocol; the ProcessingStage runs the topology.
 */
export class KafkaRuntime {
  readonly #o: KafkaRuntimeOptions;
  readonly #abort = new AbortController();
  readonly #tracker = new PartitionTracker();
  readonly #batcher: Batcher<RawMessage>;
  readonly #processing: ProcessingStage;
  readonly #maxInFlight: number;
  #supervisor: ConsumerSupervisor | undefined;
  #committer: TransactionalCommitter | undefined;
  #admin: Admin | undefined;
  #state: RuntimeState = "created";
  #inFlight = 0;
  #pausedByUs = false;
  #pausedSince: number | undefined;
  #redeliveriesDropped = 0;
  /** Tail of each ordered stage. */
  #processTail: Promise<unknown> = Promise.resolve();
  #storeTail: Promise<unknown> = Promise.resolve();
  #kafkaTail: Promise<unknown> = Promise.resolve();
  /** Partitions whose committed offset is being read (stable) after a join: their batches wait for it. */
  #positionsKnown: Promise<void> = Promise.resolve();
  #kafkaTrouble: { consumer?: string; producer?: string } = {};
  #resolveDone!: () => void;
  #rejectDone!: (error: unknown) => void;
  /** Settles when the runtime has stopped: resolves after stop(), rejects on a fatal error. */
  readonly done: Promise<void>;

  constructor(options: KafkaRuntimeOptions) {
    this.#o = options;
    if (options.processing) {
      if (!options.sourceTopics?.length)
        throw new TypeError("sourceTopics is required with a processing stage");
      this.#processing = options.processing;
    } else if (options.topology) {
      const topology = options.topology;
      this.#processing = new InlineProcessing(typeof topology === "function" ? topology : () => topology, {
        handlers: options.handlers ?? deadLetterEverything,
        deadLetterTopic: options.deadLetterTopic,
        deadLetterStore: options.deadLetterStore,
        retry: options.retry,
        onRetry: (code, attempt, delay) => options.observer?.retry?.(code, attempt, delay),
      });
    } else {
      throw new TypeError("a topology or a processing stage is required");
    }
    this.#maxInFlight = Math.max(1, options.maxInFlightBatches ?? 3);
    this.#batcher = new Batcher({ ...options.batch, onBatch: (batch) => this.#submit(batch) });
    this.done = new Promise<void>((resolve, reject) => {
      this.#resolveDone = resolve;
      this.#rejectDone = reject;
    });
    // A fatal error is reported through `done`; avoid an unhandled rejection when nobody awaits it.
    this.done.catch(ignore);
  }

  get state(): RuntimeState {
    return this.#state;
  }

  /** Milliseconds the consumer has been paused by backpressure, or 0. */
  get pausedForMs(): number {
    return this.#pausedSince === undefined ? 0 : Date.now() - this.#pausedSince;
  }

  /** The cause code of a Kafka failure being waited out (consumption or commits), or undefined. */
  get kafkaTrouble(): string | undefined {
    return this.#kafkaTrouble.consumer ?? this.#kafkaTrouble.producer;
  }

  get assignedPartitions(): number {
    return this.#tracker.assignedCount;
  }

  get #topics(): string[] {
    const t = this.#o.topology;
    return this.#o.sourceTopics ?? (t && typeof t !== "function" ? t.sourceTopics : []);
  }

  /**
   * Offsets between the end of each assigned partition (last stable offset, read_committed) and the group's
   * committed position. Empty when nothing is assigned.
   */
  async lag(): Promise<Array<{ topic: string; partition: number; lag: bigint }>> {
    const consumer = this.#supervisor?.consumer as Consumer<Buffer, Buffer, Buffer, Buffer> | undefined;
    const assignments = consumer?.assignments ?? [];
    if (!consumer || assignments.length === 0) return [];
    const [ends, committed] = await Promise.all([
      consumer.listOffsets({ topics: assignments.map((a) => a.topic), isolationLevel: 1 }),
      consumer.listCommittedOffsets({ topics: assignments }),
    ]);
    const out: Array<{ topic: string; partition: number; lag: bigint }> = [];
    for (const { topic, partitions } of assignments) {
      for (const partition of partitions) {
        const end = ends.get(topic)?.[partition];
        const position = committed.get(topic)?.[partition];
        if (end === undefined) continue;
        // No committed offset yet (-1): everything up to the end is still to do.
        const from = position === undefined || position < 0n ? 0n : position;
        out.push({ topic, partition, lag: end > from ? end - from : 0n });
      }
    }
    return out;
  }

  #common() {
    const o = this.#o;
    return {
      bootstrapBrokers: o.bootstrapBrokers,
      ...(o.connection ?? {}),
      ...(o.metrics ? { metrics: o.metrics } : {}),
    };
  }

  #createProducer(): ProducerLike {
    if (this.#o.clients?.createProducer) return this.#o.clients.createProducer();
    return new Producer<Buffer, Buffer, string, Buffer>({
      ...this.#common(),
      clientId: `${this.#o.clientId}-producer`,
      idempotent: true,
      transactionalId: this.#o.transactionalId,
      // InitProducerId must say "new producer" (-1/-1). The client's default (0/0) makes the broker answer
      // PRODUCER_FENCED when this transactional id was used before, i.e. whenever a replica restarts.
      producerId: -1n,
      producerEpoch: -1,
      // A few quick client retries, then the committer's own loop (logged, with backoff, abortable) takes over.
      retries: 10,
      retryDelay: 20,
      acks: -1,
      partitioner: compatibilityPartitioner,
      serializers: { headerKey: (key?: string) => (key === undefined ? undefined : Buffer.from(key)) },
    }) as unknown as ProducerLike;
  }

  #createConsumer(): ConsumerLike {
    const o = this.#o;
    if (o.clients?.createConsumer) return o.clients.createConsumer();
    return new Consumer<Buffer, Buffer, Buffer, Buffer>({
      ...this.#common(),
      clientId: `${o.clientId}-consumer`,
      groupId: o.groupId,
      autocommit: false,
      sessionTimeout: o.session?.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: o.session?.heartbeatIntervalMs ?? 3_000,
      rebalanceTimeout: o.session?.rebalanceTimeoutMs ?? 60_000,
    }) as unknown as ConsumerLike;
  }

  /** The group's committed offsets, read with require_stable: offsets of a transaction still committing are waited for. */
  async #readStableOffsets(
    topics: Array<{ topic: string; partitions: number[] }>,
  ): Promise<Map<string, bigint[]>> {
    if (this.#o.clients?.readStableOffsets) return this.#o.clients.readStableOffsets(topics);
    this.#admin ??= new Admin({ ...this.#common(), clientId: `${this.#o.clientId}-admin`, retries: 3 });
    const groups = await this.#admin.listConsumerGroupOffsets({
      groups: [
        {
          groupId: this.#o.groupId,
          topics: topics.map((t) => ({ name: t.topic, partitionIndexes: t.partitions })),
        },
      ],
      requireStable: true,
    });
    const out = new Map<string, bigint[]>();
    for (const group of groups) {
      for (const topic of group.topics) {
        const list = out.get(topic.name) ?? [];
        for (const p of topic.partitions) list[p.partitionIndex] = p.committedOffset;
        out.set(topic.name, list);
      }
    }
    return out;
  }

  async start(): Promise<void> {
    if (this.#state !== "created") throw new Error(`runtime already ${this.#state}`);
    this.#state = "starting";
    const o = this.#o;
    this.#committer = new TransactionalCommitter({
      groupId: o.groupId,
      createProducer: () => this.#createProducer(),
      readStableOffsets: (topics) => this.#readStableOffsets(topics),
      retry: o.retry,
      signal: this.#abort.signal,
      membership: () => ({ generation: this.#tracker.generation, membership: this.#tracker.membership }),
      observer: {
        retry: (cause, attempt, delay) => o.observer?.retry?.(cause, attempt, delay),
        transactionAborted: (cause) => o.observer?.transactionAborted?.(cause),
        kafkaTrouble: (cause) => this.#setTrouble("producer", cause),
      },
      ...(o.faultPoint ? { faultPoint: o.faultPoint } : {}),
    });
    this.#supervisor = new ConsumerSupervisor(
      {
        topics: this.#topics,
        createConsumer: () => this.#createConsumer(),
        retry: o.retry,
        signal: this.#abort.signal,
      },
      {
        message: (message) => this.#onMessage(message),
        joined: (assignment, membership) => this.#onJoin(assignment, membership),
        trouble: (cause) => this.#setTrouble("consumer", cause),
        fatal: (error) => this.#fail(error),
      },
    );
    try {
      await this.#supervisor.start();
    } catch (error) {
      this.#state = "failed";
      await this.#closeClients(true);
      throw error;
    }
    this.#state = "running";
  }

  #setTrouble(side: "consumer" | "producer", cause: string | undefined): void {
    const before = this.kafkaTrouble;
    if (cause === undefined) delete this.#kafkaTrouble[side];
    else this.#kafkaTrouble[side] = cause;
    const after = this.kafkaTrouble;
    if (before === undefined && after !== undefined) this.#o.observer?.kafkaOutage?.(after, true);
    else if (before !== undefined && after === undefined) this.#o.observer?.kafkaOutage?.(before, false);
  }

  #onJoin(assignment: Array<{ topic: string; partition: number }>, membership: Membership): void {
    this.#tracker.assign(assignment, membership);
    const owned = (m: RawMessage) => this.#tracker.owns(m.topic, m.partition);
    // Records of partitions this replica no longer owns go: their new owner reads them from the committed offset.
    this.#batcher.retain(owned);
    const generation = this.#tracker.generation;
    // Where each partition resumes, read stable: the client's own re-read does not ask for require_stable, so it may
    // see an offset older than a transaction still committing; records below the stable offset are dropped.
    this.#positionsKnown = this.#learnPositions(assignment, generation);
    this.#o.observer?.rebalance?.({ generationId: membership.generationId, assignments: assignment.length });
    this.#o.observer?.assignments?.(assignment);
  }

  async #learnPositions(
    assignment: Array<{ topic: string; partition: number }>,
    generation: number,
  ): Promise<void> {
    if (assignment.length === 0) return;
    const byTopic = new Map<string, number[]>();
    for (const a of assignment) byTopic.set(a.topic, [...(byTopic.get(a.topic) ?? []), a.partition]);
    const topics = [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
    const committed = await retryWhile(
      () => this.#readStableOffsets(topics),
      (error) => classifyKafkaError(error).kind !== "fatal",
      {
        ...this.#o.retry,
        signal: this.#abort.signal,
        onRetry: (error, attempt, delay) =>
          this.#o.observer?.retry?.(classifyKafkaError(error).code, attempt, delay),
      },
    ).catch((error: unknown) => {
      if (!this.#abort.signal.aborted) this.#fail(error);
      return undefined;
    });
    if (!committed || generation !== this.#tracker.generation) return;
    for (const { topic, partitions } of topics)
      for (const partition of partitions) {
        const next = committed.get(topic)?.[partition];
        if (next !== undefined && next >= 0n) this.#tracker.setCommitted(topic, partition, next);
      }
  }

  #onMessage(message: RawMessage): void {
    if (this.#state !== "running") return;
    if (!this.#tracker.accept(message)) {
      this.#redeliveriesDropped++;
      return;
    }
    this.#batcher.add(message);
  }

  // ---- the ordered pipeline: process → store commit → Kafka commit ----

  #submit(records: RawMessage[]): void {
    this.#inFlight++;
    if (this.#inFlight >= this.#maxInFlight) this.#pause();
    const job: Job = {
      records,
      generation: -1,
      admitted: [],
      processed: undefined,
      offsets: [],
      dropped: 0,
      processMs: 0,
      storeMs: 0,
      store: undefined,
    };
    const processed = this.#processTail.then(() => this.#process(job));
    this.#processTail = processed.catch(ignore);
    const stored = Promise.all([processed, this.#storeTail]).then(() => this.#storeCommit(job));
    this.#storeTail = stored.catch(ignore);
    const committed = Promise.all([stored, this.#kafkaTail]).then(() => this.#kafkaCommit(job));
    this.#kafkaTail = committed.catch(ignore);
    committed.then(
      () => {
        this.#inFlight--;
        if (this.#inFlight < this.#maxInFlight && this.#state === "running") this.#resume();
      },
      (error: unknown) => this.#fail(error),
    );
  }

  #checkRunning(): void {
    if (this.#abort.signal.aborted)
      throw new TopologyFailedError("the pipeline stopped before the batch committed");
  }

  async #process(job: Job): Promise<void> {
    this.#checkRunning();
    // Wait until the committed position of every owned partition is known (a join may come while waiting).
    for (let known = this.#positionsKnown; ; known = this.#positionsKnown) {
      await known;
      if (known === this.#positionsKnown) break;
    }
    const started = performance.now();
    job.generation = this.#tracker.generation;
    job.admitted = this.#tracker.admissible(job.records);
    job.dropped = job.records.length - job.admitted.length;
    job.processed =
      job.admitted.length === 0
        ? undefined
        : await this.#processing.process(job.admitted.map(toConsumed), this.#abort.signal);
    job.offsets = lastPerPartition(job.admitted).map((m) => ({
      topic: m.topic,
      partition: m.partition,
      nextOffset: m.offset + 1n,
    }));
    job.processMs += performance.now() - started;
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
        signal: this.#abort.signal,
        onRetry: (error, attempt, delay) =>
          o.observer?.retry?.((error as { code?: string }).code ?? "STORE_TRANSIENT", attempt, delay),
      });
    }
    job.storeMs += performance.now() - started;
    o.faultPoint?.("after-store-commit");
  }

  /**
   * The Kafka commit, in batch order. When the group rebalanced under the batch it is taken again from the top:
   * records of partitions that moved away are left to their new owner, the rest are processed again
   * (deterministically), stored (the store skips what it already holds) and committed under the new generation.
   */
  async #kafkaCommit(job: Job): Promise<void> {
    for (;;) {
      this.#checkRunning();
      if (!job.processed) break;
      const started = performance.now();
      const last = lastPerPartition(job.admitted);
      const outcome = await this.#committer!.commit(job.processed.messages, last, job.generation);
      const kafkaMs = performance.now() - started;
      if (outcome === "committed") {
        this.#o.faultPoint?.("after-kafka-commit");
        this.#tracker.committed(job.offsets);
        this.#report(job, kafkaMs);
        return;
      }
      // Rebalanced: again, in order with the other stages' work.
      const again = this.#processTail.then(() => this.#process(job));
      this.#processTail = again.catch(ignore);
      await again;
      await this.#storeCommit(job);
    }
    this.#tracker.committed(job.offsets);
    this.#report(job, 0);
  }

  #report(job: Job, kafkaMs: number): void {
    const o = this.#o;
    const processed = job.processed;
    const dropped = job.dropped + this.#redeliveriesDropped;
    this.#redeliveriesDropped = 0;
    if (!processed) {
      if (dropped > 0)
        o.observer?.batchCommitted?.({
          records: 0,
          topicRecords: 0,
          deadLetters: 0,
          stores: new Map(),
          storeMs: 0,
          kafkaMs: 0,
          processMs: job.processMs,
          dropped,
          timestamps: [],
          counters: new Map(),
        });
      return;
    }
    for (const dead of processed.deadLetters) o.observer?.deadLettered?.(dead.reason, dead.position);
    const storeCounts = new Map<string, number>();
    for (const [name, list] of processed.stores) storeCounts.set(name, list.length);
    o.observer?.batchCommitted?.({
      records: job.admitted.length,
      topicRecords: processed.topicRecords,
      deadLetters: processed.deadLetters.length,
      stores: storeCounts,
      ...(job.store ? { store: job.store } : {}),
      storeMs: job.storeMs,
      kafkaMs,
      processMs: job.processMs,
      dropped,
      timestamps: job.admitted.map((r) => r.timestamp),
      counters: processed.counters,
    });
  }

  // ---- backpressure ----

  #pause(): void {
    if (this.#pausedByUs) return;
    this.#pausedByUs = true;
    this.#pausedSince = Date.now();
    this.#supervisor?.pause();
    this.#o.observer?.paused?.(true);
  }

  #resume(): void {
    if (!this.#pausedByUs) return;
    this.#pausedByUs = false;
    this.#pausedSince = undefined;
    this.#supervisor?.resume();
    this.#o.observer?.paused?.(false);
  }

  // ---- stop and failure ----

  /** Graceful stop: stop consuming, commit what was consumed, leave the group, close. */
  async stop(): Promise<void> {
    if (this.#state === "stopped" || this.#state === "failed") return this.done.catch(ignore);
    if (this.#state === "stopping") return this.done;
    this.#state = "stopping";
    this.#supervisor?.pause();
    this.#batcher.seal();
    const drainMs = this.#o.drainTimeoutMs ?? 15_000;
    const drained = await Promise.race([
      this.#kafkaTail.then(() => true),
      sleep(drainMs, this.#abort.signal).then(() => false),
    ]);
    if (!drained || this.#abort.signal.aborted) {
      // A batch that cannot commit (a broker or topic gone) must not hold the process: give up, uncommitted
      // records are consumed again by whoever owns the partitions next.
      const error = new TopologyFailedError(
        `in-flight batches did not commit within ${drainMs} ms of the stop request`,
      );
      this.#fail(error);
      throw error;
    }
    await this.#closeClients(false);
    this.#state = "stopped";
    this.#resolveDone();
  }

  #fail(error: unknown): void {
    if (this.#state === "failed" || this.#state === "stopped") return;
    this.#state = "failed";
    this.#abort.abort();
    this.#batcher.cancel();
    this.#o.observer?.fatal?.(error);
    void this.#closeClients(true).finally(() => this.#rejectDone(error));
  }

  async #closeClients(force: boolean): Promise<void> {
    await this.#supervisor?.close(force).catch(ignore);
    await this.#committer?.close(force).catch(ignore);
    await this.#admin?.close().catch(ignore);
    await this.#processing.close().catch(ignore);
  }
}
