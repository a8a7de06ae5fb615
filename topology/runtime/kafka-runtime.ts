import {
  type ConnectionOptions,
  Consumer,
  compatibilityPartitioner,
  findErrorBy,
  type GroupAssignment,
  type Message,
  type MessagesStream,
  Producer,
} from "@platformatic/kafka";
import { isTransient, TopologyFailedError } from "../dsl/errors.ts";
import type { Topology } from "../dsl/topology.ts";
import { BatchCollector } from "./batch.ts";
import { deadLetterEverything, type ExceptionHandlers } from "./handlers.ts";
import { materialise } from "./materialise.ts";
import type { RuntimeObserver } from "./observer.ts";
import { RecordProcessor } from "./record-processor.ts";
import { type BackoffOptions, backoffDelay, retryWhile } from "./retry.ts";
import type { ExternalStore, PartitionOffset, StoreCommitResult } from "./store.ts";

export interface KafkaRuntimeOptions {
  topology: Topology;
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
  retry: BackoffOptions;
  observer?: RuntimeObserver;
  /** Passed through to @platformatic/kafka (`{ registry, client }` of prom-client) for the client's own metrics. */
  metrics?: ConstructorParameters<typeof Producer>[0]["metrics"];
  session?: { sessionTimeoutMs?: number; heartbeatIntervalMs?: number; rebalanceTimeoutMs?: number };
  /** After a commit whose answer was lost: how long its offsets are looked for before it counts as aborted. */
  commitCheckMs?: number;
  /** How long stop() waits for in-flight batches to commit before giving up (default 15 s). */
  drainTimeoutMs?: number;
  /** Fault-injection points for crash tests; called synchronously at each point of a batch's commit. */
  faultPoint?: (point: FaultPoint) => void;
}

export type FaultPoint =
  | "before-store-commit"
  | "after-store-commit"
  | "in-kafka-transaction"
  | "after-kafka-commit";

export type RuntimeState = "created" | "starting" | "running" | "stopping" | "stopped" | "failed";

type RawMessage = Message<Buffer, Buffer, Buffer, Buffer>;

/** Well under the broker's default 1 MB request limit per partition. */
const MAX_SEND_BYTES = 512 * 1024;

function chunkBySize<T extends { value: Buffer; key?: Buffer | undefined }>(
  messages: T[],
  maxBytes: number,
): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = m.value.length + (m.key?.length ?? 0) + 64;
    if (current.length > 0 && bytes + size > maxBytes) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(m);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

const partitionKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/**
 * Executes a Topology on Kafka, exactly once: records are consumed in batches (size- and time-bounded); each batch is
 * processed, committed to the external store together with its offsets, then produced in one Kafka transaction that
 * also commits the consumed offsets. A crash between the two commits is harmless: the batch is consumed again, the
 * store skips offsets it already holds, and the aborted transaction's output is invisible to read_committed readers.
 *
 * A rebalance discards whatever has not been committed: after a group join the consumer re-reads from the committed
 * offsets, so records fetched under an older generation are dropped rather than processed twice.
 */
export class KafkaRuntime {
  readonly #options: KafkaRuntimeOptions;
  readonly #processor: RecordProcessor;
  readonly #abort = new AbortController();
  #producer: Producer<Buffer, Buffer, string, Buffer> | undefined;
  #consumer: Consumer<Buffer, Buffer, Buffer, Buffer> | undefined;
  #stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined;
  #state: RuntimeState = "created";
  #pending: RawMessage[] = [];
  #queue: RawMessage[][] = [];
  #timer: NodeJS.Timeout | undefined;
  #draining: Promise<void> | undefined;
  #pausedByUs = false;
  #pausedSince: number | undefined;
  /** Bumped at every group join: a batch that started under an older one re-checks its partitions. */
  #generation = 0;
  /** Partitions assigned to this replica now (keys from partitionKey). */
  #assigned = new Set<string>();
  /** Offset of the last record accepted per partition, so that a re-delivery is not processed twice. */
  readonly #lastAccepted = new Map<string, bigint>();
  #dropped = 0;
  #membership: { generationId: number; memberId: string; coordinatorId: number } | undefined;
  readonly #committedNext = new Map<string, bigint>();
  #resolveDone!: () => void;
  #rejectDone!: (error: unknown) => void;
  /** Settles when the runtime has stopped: resolves after stop(), rejects on a fatal error. */
  readonly done: Promise<void>;

  constructor(options: KafkaRuntimeOptions) {
    this.#options = options;
    this.#processor = new RecordProcessor(options.topology, options.handlers ?? deadLetterEverything, {
      canDeadLetter: Boolean(options.deadLetterTopic),
    });
    this.done = new Promise<void>((resolve, reject) => {
      this.#resolveDone = resolve;
      this.#rejectDone = reject;
    });
    // A fatal error is reported through `done`; avoid an unhandled rejection when nobody awaits it.
    this.done.catch(() => undefined);
  }

  get state(): RuntimeState {
    return this.#state;
  }

  /** Milliseconds the consumer has been paused by backpressure, or 0. */
  get pausedForMs(): number {
    return this.#pausedSince === undefined ? 0 : Date.now() - this.#pausedSince;
  }

  get consumer(): Consumer<Buffer, Buffer, Buffer, Buffer> | undefined {
    return this.#consumer;
  }

  get assignedPartitions(): number {
    return (this.#consumer?.assignments ?? []).reduce((n, a) => n + a.partitions.length, 0);
  }

  /**
   * Offsets between the end of each assigned partition (last stable offset, read_committed) and the group's
   * committed position. Empty when nothing is assigned.
   */
  async lag(): Promise<Array<{ topic: string; partition: number; lag: bigint }>> {
    const consumer = this.#consumer;
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

  #createProducer(): Producer<Buffer, Buffer, string, Buffer> {
    const o = this.#options;
    return new Producer<Buffer, Buffer, string, Buffer>({
      bootstrapBrokers: o.bootstrapBrokers,
      ...(o.connection ?? {}),
      ...(o.metrics ? { metrics: o.metrics } : {}),
      clientId: `${o.clientId}-producer`,
      idempotent: true,
      transactionalId: o.transactionalId,
      // InitProducerId must say "new producer" (-1/-1). The client's default (0/0) makes the broker answer
      // PRODUCER_FENCED when this transactional id was used before, i.e. whenever a replica restarts.
      producerId: -1n,
      producerEpoch: -1,
      // The client retries an idempotent producer forever by default, silently: a missing topic or an absent
      // broker would hang the batch with nothing logged. A few quick retries, then our own loop (logged, with
      // backoff, abortable) takes over.
      retries: 10,
      retryDelay: 20,
      acks: -1,
      partitioner: compatibilityPartitioner,
      serializers: { headerKey: (key?: string) => (key === undefined ? undefined : Buffer.from(key)) },
    });
  }

  /**
   * A transaction that could not be aborted leaves the client believing it is still open. A new producer with the
   * same transactional id re-initialises it, which makes the broker abort whatever the old one left open.
   */
  async #resetProducer(): Promise<void> {
    const old = this.#producer;
    this.#producer = this.#createProducer();
    await old?.close(true).catch(() => undefined);
  }

  async start(): Promise<void> {
    if (this.#state !== "created") throw new Error(`runtime already ${this.#state}`);
    this.#state = "starting";
    const o = this.#options;
    const common = {
      bootstrapBrokers: o.bootstrapBrokers,
      ...(o.connection ?? {}),
      ...(o.metrics ? { metrics: o.metrics } : {}),
    };
    this.#producer = this.#createProducer();
    this.#consumer = new Consumer<Buffer, Buffer, Buffer, Buffer>({
      ...common,
      clientId: `${o.clientId}-consumer`,
      groupId: o.groupId,
      autocommit: false,
      sessionTimeout: o.session?.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: o.session?.heartbeatIntervalMs ?? 3_000,
      rebalanceTimeout: o.session?.rebalanceTimeoutMs ?? 60_000,
    });
    this.#consumer.on("consumer:group:join", (payload) =>
      this.#onGroupJoin(payload.generationId, payload.assignments),
    );
    try {
      this.#stream = await this.#consumer.consume({
        topics: o.topology.sourceTopics,
        mode: "committed",
        fallbackMode: "earliest",
        autocommit: false,
        maxWaitTime: 200,
      });
    } catch (error) {
      this.#state = "failed";
      await this.#closeClients(true);
      throw error;
    }
    this.#stream.on("data", (message: RawMessage) => this.#onMessage(message));
    this.#stream.on("error", (error: Error) => this.#fail(error));
    this.#state = "running";
  }

  #onGroupJoin(generationId: number | undefined, joined: GroupAssignment[] | undefined): void {
    this.#generation++;
    // Offsets are committed under the membership this assignment came with, never a newer one: with a newer
    // generation the coordinator would accept offsets for partitions that now belong to another replica.
    this.#membership = {
      generationId: generationId ?? this.#consumer?.generationId ?? -1,
      memberId: this.#consumer?.memberId ?? "",
      coordinatorId: this.#consumer?.coordinatorId ?? -1,
    };
    const assignments = joined ?? this.#consumer?.assignments ?? [];
    this.#assigned = new Set(assignments.flatMap((a) => a.partitions.map((p) => partitionKey(a.topic, p))));
    // Records of partitions this replica no longer owns go: their new owner reads them from the committed offset.
    // Records of partitions it keeps stay: the client does not always re-read them after a join, and dropping them
    // would lose them. A re-delivery of what is already held is dropped by offset instead.
    const owned = (m: RawMessage) => this.#assigned.has(partitionKey(m.topic, m.partition));
    this.#pending = this.#pending.filter(owned);
    this.#queue = this.#queue.map((batch) => batch.filter(owned)).filter((batch) => batch.length > 0);
    for (const key of [...this.#lastAccepted.keys()])
      if (!this.#assigned.has(key)) this.#lastAccepted.delete(key);
    this.#options.observer?.rebalance?.({
      generationId: generationId ?? this.#consumer?.generationId ?? -1,
      assignments: this.assignedPartitions,
    });
    this.#options.observer?.assignments?.(
      assignments.flatMap((a) => a.partitions.map((partition) => ({ topic: a.topic, partition }))),
    );
  }

  #onMessage(message: RawMessage): void {
    if (this.#state !== "running") return;
    const key = partitionKey(message.topic, message.partition);
    // Already committed, or already held (the client re-delivers from the committed offset after a join).
    if (
      message.offset < (this.#committedNext.get(key) ?? -1n) ||
      message.offset <= (this.#lastAccepted.get(key) ?? -1n)
    ) {
      this.#dropped++;
      return;
    }
    this.#lastAccepted.set(key, message.offset);
    this.#pending.push(message);
    if (this.#pending.length >= this.#options.batch.maxRecords) this.#seal();
    else if (!this.#timer) this.#timer = setTimeout(() => this.#seal(), this.#options.batch.maxMs);
  }

  #seal(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.length === 0) return;
    this.#queue.push(this.#pending);
    this.#pending = [];
    // Backpressure: one batch in flight and one waiting is all the memory we allow ourselves.
    if (this.#draining) this.#pause();
    this.#draining ??= this.#drain().finally(() => {
      this.#draining = undefined;
      if (this.#state === "running") this.#resume();
    });
  }

  #pause(): void {
    if (this.#pausedByUs || !this.#stream) return;
    this.#pausedByUs = true;
    this.#pausedSince = Date.now();
    this.#stream.pause();
    this.#options.observer?.paused?.(true);
  }

  #resume(): void {
    if (!this.#pausedByUs || !this.#stream) return;
    this.#pausedByUs = false;
    this.#pausedSince = undefined;
    this.#stream.resume();
    this.#options.observer?.paused?.(false);
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.shift()!;
      try {
        await this.#flush(batch);
      } catch (error) {
        this.#fail(error);
        return;
      }
    }
  }

  /** Keeps the records of partitions still assigned and not yet committed, in strictly increasing offsets. */
  #admissible(batch: RawMessage[]): { records: RawMessage[]; dropped: number } {
    const lastSeen = new Map<string, bigint>();
    const records: RawMessage[] = [];
    for (const message of batch) {
      const key = partitionKey(message.topic, message.partition);
      const floor = this.#committedNext.get(key) ?? -1n;
      const previous = lastSeen.get(key) ?? -1n;
      if (!this.#assigned.has(key) || message.offset < floor || message.offset <= previous) continue;
      lastSeen.set(key, message.offset);
      records.push(message);
    }
    const dropped = batch.length - records.length + this.#dropped;
    this.#dropped = 0;
    return { records, dropped };
  }

  async #processAll(records: RawMessage[]): Promise<BatchCollector> {
    const collector = new BatchCollector();
    for (const message of records) {
      const consumed = {
        topic: message.topic,
        partition: message.partition,
        offset: message.offset,
        timestamp: message.timestamp,
        key: message.key ?? undefined,
        value: message.value ?? undefined,
        headers: message.headers,
      };
      const mark = collector.mark();
      for (let attempt = 0; ; attempt++) {
        try {
          const pending = this.#processor.process(consumed, collector);
          if (pending) await pending;
          break;
        } catch (error) {
          collector.rollback(mark);
          if (!isTransient(error) || this.#abort.signal.aborted) throw error;
          const delay = backoffDelay(attempt, this.#options.retry);
          this.#options.observer?.retry?.(error.code, attempt + 1, delay);
          await new Promise((r) => setTimeout(r, delay));
        }
      }
    }
    return collector;
  }

  /**
   * Commits a batch. When the group rebalances under it, the batch is taken again from the top: records of partitions
   * that moved away are left to their new owner, the rest are processed again (deterministically) and committed
   * under the new generation; the store skips what it already holds.
   */
  async #flush(batch: RawMessage[]): Promise<void> {
    while (!(await this.#flushOnce(batch))) {
      if (this.#abort.signal.aborted)
        throw new TopologyFailedError("stopped while a batch was being committed");
    }
  }

  /** False when a rebalance interrupted the Kafka commit (the caller tries again). */
  async #flushOnce(batch: RawMessage[]): Promise<boolean> {
    const o = this.#options;
    const generationAtStart = this.#generation;
    const { records, dropped } = this.#admissible(batch);
    if (records.length === 0) return true;
    const processStarted = performance.now();
    const collector = await this.#processAll(records);
    const { messages, stores } = materialise(collector, {
      deadLetterTopic: o.deadLetterTopic,
      deadLetterStore: o.deadLetterStore,
    });
    const last = new Map<string, RawMessage>();
    for (const message of records) last.set(partitionKey(message.topic, message.partition), message);
    const offsets: PartitionOffset[] = [...last.values()].map((m) => ({
      topic: m.topic,
      partition: m.partition,
      nextOffset: m.offset + 1n,
    }));
    const processMs = performance.now() - processStarted;

    // 1. The external store first, atomically with its own copy of the offsets.
    let storeResult: StoreCommitResult | undefined;
    const storeStarted = performance.now();
    o.faultPoint?.("before-store-commit");
    if (o.store) {
      const store = o.store;
      storeResult = await retryWhile(
        () => store.commit({ consumerGroup: o.groupId, records: stores, offsets }),
        isTransient,
        {
          ...o.retry,
          signal: this.#abort.signal,
          onRetry: (error, attempt, delay) =>
            o.observer?.retry?.((error as { code?: string }).code ?? "STORE_TRANSIENT", attempt, delay),
        },
      );
    }
    const storeMs = performance.now() - storeStarted;
    o.faultPoint?.("after-store-commit");

    // 2. The Kafka transaction: outputs plus the consumed offsets.
    const kafkaStarted = performance.now();
    const committed = await this.#commitKafka(messages, [...last.values()], generationAtStart);
    const kafkaMs = performance.now() - kafkaStarted;
    if (!committed) return false;
    o.faultPoint?.("after-kafka-commit");
    for (const offset of offsets)
      this.#committedNext.set(partitionKey(offset.topic, offset.partition), offset.nextOffset);
    for (const dead of collector.deadLetters) {
      o.observer?.deadLettered?.(dead.reason, {
        topic: dead.context.topic,
        partition: dead.context.partition,
        offset: dead.context.offset,
      });
    }
    const storeCounts = new Map<string, number>();
    for (const [name, list] of stores) storeCounts.set(name, list.length);
    o.observer?.batchCommitted?.({
      records: records.length,
      topicRecords: collector.topics.length,
      deadLetters: collector.deadLetters.length,
      stores: storeCounts,
      ...(storeResult ? { store: storeResult } : {}),
      storeMs,
      kafkaMs,
      processMs,
      dropped,
      timestamps: records.map((r) => r.timestamp),
    });
    return true;
  }

  /** Returns false when the group rebalanced under the batch (the caller takes it again from the top). */
  async #commitKafka(
    messages: ReturnType<typeof materialise>["messages"],
    lastPerPartition: RawMessage[],
    generationAtStart: number,
  ): Promise<boolean> {
    const consumer = this.#consumer!;
    // True after a commit request whose answer never came: the transaction may or may not have committed.
    let outcomeUnknown = false;
    for (let attempt = 0; ; attempt++) {
      const producer = this.#producer!;
      let transaction: Awaited<ReturnType<typeof producer.beginTransaction>> | undefined;
      let committing = false;
      try {
        // On a new producer this is InitProducerId, which first completes or aborts whatever the old one left.
        transaction = await producer.beginTransaction();
        if (outcomeUnknown) {
          if (await this.#offsetsCommitted(lastPerPartition)) {
            await transaction.abort().catch(() => transaction?.cancel());
            return true;
          }
          outcomeUnknown = false;
        }
        if (this.#generation !== generationAtStart) {
          await transaction.abort().catch(() => transaction?.cancel());
          this.#options.observer?.transactionAborted?.("rebalance");
          return false;
        }
        // Bounded requests: one produce request per transaction would exceed the broker's message size limit.
        for (const chunk of chunkBySize(messages, MAX_SEND_BYTES))
          await transaction.send({ messages: chunk });
        await transaction.addConsumer(consumer);
        // The offsets are committed under the membership of the current assignment (KIP-447 fencing), not the one
        // the records were fetched under.
        const membership = this.#membership ?? {};
        for (const message of lastPerPartition) {
          const consumerMetadata = (message.metadata as { consumer?: Record<string, unknown> }).consumer;
          await transaction.addOffset({
            ...message,
            metadata: { ...message.metadata, consumer: { ...consumerMetadata, ...membership } },
          } as RawMessage);
        }
        this.#options.faultPoint?.("in-kafka-transaction");
        committing = true;
        await transaction.commit();
        return true;
      } catch (error) {
        if (committing) outcomeUnknown = true;
        const aborted =
          transaction && !committing
            ? await transaction.abort().then(
                () => true,
                () => false,
              )
            : false;
        // Not aborted (or the commit's fate unknown): a new producer resolves the broker-side transaction.
        if (!aborted) await this.#resetProducer();
        const fenced =
          findErrorBy(error as Error, "producerFenced", true) ??
          findErrorBy(error as Error, "apiId", "PRODUCER_FENCED");
        if (fenced) {
          throw new TopologyFailedError(
            "this replica's transactional producer was fenced by a newer instance",
            {
              cause: error,
            },
          );
        }
        const rejoin = findErrorBy(error as Error, "needsRejoin", true);
        if (!outcomeUnknown && rejoin) {
          this.#options.observer?.transactionAborted?.(`rebalance:${String(rejoin["apiId"] ?? "unknown")}`);
          // Give the join a moment to complete before the batch is taken again.
          await new Promise((r) => setTimeout(r, backoffDelay(attempt, this.#options.retry)));
          return false;
        }
        if (
          findErrorBy(error as Error, "apiId", "MESSAGE_TOO_LARGE") ??
          findErrorBy(error as Error, "apiId", "RECORD_LIST_TOO_LARGE")
        ) {
          throw new TopologyFailedError(
            "the broker refused an output record as too large; the pipeline stops rather than skip it",
            {
              cause: error,
            },
          );
        }
        if (this.#abort.signal.aborted) throw error;
        const delay = backoffDelay(attempt, this.#options.retry);
        this.#options.observer?.transactionAborted?.(outcomeUnknown ? "commit-unknown" : "kafka");
        this.#options.observer?.retry?.("KAFKA_TRANSACTION", attempt + 1, delay);
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  /**
   * True when the group's committed offsets already include this batch (its transaction did commit). The client
   * reads offsets without `require_stable`, so a commit whose markers are still being written can look absent for a
   * moment: only a negative answer that lasts is taken as "not committed" (an aborted transaction never shows up).
   */
  async #offsetsCommitted(lastPerPartition: RawMessage[]): Promise<boolean> {
    const byTopic = new Map<string, number[]>();
    for (const m of lastPerPartition) byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), m.partition]);
    const topics = [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
    // The window for a slow commit starts at the first answer: while the group coordinator cannot answer (it may
    // be restarting), nothing is known, and guessing "not committed" would produce the batch twice.
    let deadline: number | undefined;
    for (;;) {
      if (this.#abort.signal.aborted)
        throw new TopologyFailedError("stopped while resolving a commit of unknown outcome");
      const committed = await this.#consumer!.listCommittedOffsets({ topics }).catch(() => undefined);
      if (committed) {
        if (lastPerPartition.every((m) => (committed.get(m.topic)?.[m.partition] ?? -1n) >= m.offset + 1n))
          return true;
        deadline ??= Date.now() + (this.#options.commitCheckMs ?? 10_000);
        if (Date.now() >= deadline) return false;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Graceful stop: stop consuming, flush and commit what was consumed, leave the group, close. */
  async stop(): Promise<void> {
    if (this.#state === "stopped" || this.#state === "failed") return this.done.catch(() => undefined);
    if (this.#state === "stopping") return this.done;
    this.#state = "stopping";
    this.#stream?.pause();
    this.#seal();
    const drainMs = this.#options.drainTimeoutMs ?? 15_000;
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      (this.#draining ?? Promise.resolve()).then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), drainMs);
      }),
    ]);
    clearTimeout(timer);
    if (!drained) {
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
    if (this.#timer) clearTimeout(this.#timer);
    this.#options.observer?.fatal?.(error);
    void this.#closeClients(true).finally(() => this.#rejectDone(error));
  }

  async #closeClients(force: boolean): Promise<void> {
    await this.#stream?.close().catch(() => undefined);
    await this.#consumer?.close(force).catch(() => undefined);
    await this.#producer?.close(force).catch(() => undefined);
  }
}
