import type { ConnectionOptions, Producer } from "@platformatic/kafka";
import { TopologyFailedError } from "../dsl/errors.ts";
import type { Topology } from "../dsl/topology.ts";
import { Batcher } from "./batcher.ts";
import { ConsumerSupervisor, type RawMessage } from "./consumer-supervisor.ts";
import { deadLetterEverything, type ExceptionHandlers } from "./handlers.ts";
import { platformaticClients, type RuntimeClients } from "./kafka-clients.ts";
import { TransactionalCommitter } from "./kafka-committer.ts";
import { classifyKafkaError } from "./kafka-errors.ts";
import type { RuntimeObserver } from "./observer.ts";
import { OrderedStages } from "./ordered-stages.ts";
import { type Membership, PartitionTracker } from "./partition-tracker.ts";
import { InlineProcessing, type ProcessingStage, type TopologyFactory } from "./processing.ts";
import { type BackoffOptions, retryWhile, sleep } from "./retry.ts";
import type { ExternalStore } from "./store.ts";

export type { RuntimeClients };

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

export type FaultPoint =
  | "before-store-commit"
  | "after-store-commit"
  | "in-kafka-transaction"
  | "after-kafka-commit";

export type RuntimeState = "created" | "starting" | "running" | "stopping" | "stopped" | "failed";

const ignore = () => undefined;

/**
 * Executes a topology on Kafka, exactly once. Records are consumed in batches (size- and time-bounded); each batch is
 * processed, committed to the external store together with its offsets, then produced in one Kafka transaction that
 * also commits the consumed offsets. A crash between the two commits is harmless: the batch is consumed again, the
 * store skips offsets it already holds, and the aborted transaction's output is invisible to read_committed readers.
 *
 * This class only composes the parts, each tested alone: a ConsumerSupervisor keeps a consumer in the group through
 * broker outages; a PartitionTracker knows what this replica owns and has committed (and drops re-deliveries); a
 * Batcher seals batches; OrderedStages takes each batch through processing (a ProcessingStage, on the event loop or
 * in worker threads), the store commit and the Kafka commit, the next batch processed while one commits; a
 * TransactionalCommitter owns the producer and the transaction protocol. At most `maxInFlightBatches` batches are
 * between sealing and their Kafka commit; beyond that consumption pauses (bounded memory).
 */
export class KafkaRuntime {
  readonly #o: KafkaRuntimeOptions;
  readonly #abort = new AbortController();
  readonly #tracker = new PartitionTracker();
  readonly #clients: RuntimeClients;
  readonly #batcher: Batcher<RawMessage>;
  readonly #processing: ProcessingStage;
  readonly #stages: OrderedStages;
  readonly #maxInFlight: number;
  #supervisor: ConsumerSupervisor | undefined;
  #committer: TransactionalCommitter | undefined;
  #state: RuntimeState = "created";
  #inFlight = 0;
  #pausedSince: number | undefined;
  #redeliveriesDropped = 0;
  /** Partitions whose committed offset is being read (stable) after a join: their batches wait for it. */
  #positionsKnown: Promise<void> = Promise.resolve();
  #kafkaTrouble: { consumer?: string; producer?: string } = {};
  #resolveDone!: () => void;
  #rejectDone!: (error: unknown) => void;
  /** Settles when the runtime has stopped: resolves after stop(), rejects on a fatal error. */
  readonly done: Promise<void>;

  constructor(options: KafkaRuntimeOptions) {
    this.#o = options;
    if (options.processing || typeof options.topology === "function") {
      if (!options.sourceTopics?.length)
        throw new TypeError("sourceTopics is required with a processing stage or a topology factory");
    }
    if (options.processing) {
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
    this.#clients = { ...platformaticClients(options), ...options.clients };
    this.#maxInFlight = Math.max(1, options.maxInFlightBatches ?? 3);
    this.#batcher = new Batcher({ ...options.batch, onBatch: (batch) => this.#submit(batch) });
    this.#stages = new OrderedStages({
      groupId: options.groupId,
      tracker: this.#tracker,
      processing: this.#processing,
      store: options.store,
      commitKafka: (messages, last, generation) => this.#committer!.commit(messages, last, generation),
      positionsKnown: () => this.#positionsKnown,
      takeRedeliveriesDropped: () => {
        const n = this.#redeliveriesDropped;
        this.#redeliveriesDropped = 0;
        return n;
      },
      retry: options.retry,
      signal: this.#abort.signal,
      observer: options.observer,
      faultPoint: options.faultPoint,
    });
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

  /** Offsets between the end of each assigned partition and the group's committed position. */
  lag(): Promise<Array<{ topic: string; partition: number; lag: bigint }>> {
    return this.#clients.lag(this.#supervisor?.consumer);
  }

  async start(signal?: AbortSignal): Promise<void> {
    if (this.#state !== "created") throw new Error(`runtime already ${this.#state}`);
    this.#state = "starting";
    const o = this.#o;
    this.#committer = new TransactionalCommitter({
      groupId: o.groupId,
      createProducer: () => this.#clients.createProducer(),
      readStableOffsets: (topics) => this.#clients.readStableOffsets(topics),
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
    const supervisor = new ConsumerSupervisor(
      {
        topics: o.sourceTopics ?? (o.topology as Topology).sourceTopics,
        createConsumer: () => this.#clients.createConsumer(),
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
    this.#supervisor = supervisor;
    // The first join is retried like any later one: a broker that is away at start-up is waited for (the replica
    // reports not-ready meanwhile); only a fatal error, or `signal` (a stop request), ends the wait.
    const until = signal ? AbortSignal.any([this.#abort.signal, signal]) : this.#abort.signal;
    try {
      await retryWhile(
        () => supervisor.start(),
        (error) => classifyKafkaError(error).kind !== "fatal",
        {
          ...o.retry,
          signal: until,
          onRetry: (error, attempt, delay) => {
            const cause = classifyKafkaError(error).code;
            this.#setTrouble("consumer", cause);
            o.observer?.retry?.(cause, attempt, delay);
          },
        },
      );
      this.#setTrouble("consumer", undefined);
    } catch (error) {
      this.#state = "failed";
      this.#abort.abort();
      await this.#closeClients(true);
      this.#rejectDone(error);
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
    // Records of partitions this replica no longer owns go: their new owner reads them from the committed offset.
    this.#batcher.retain((m) => this.#tracker.owns(m.topic, m.partition));
    this.#stages.forget((m) => this.#tracker.owns(m.topic, m.partition));
    this.#processing.assigned?.(assignment);
    // Where each partition resumes, read stable: the client's own re-read does not ask for require_stable, so it may
    // see an offset older than a transaction still committing; records below the stable offset are dropped.
    this.#positionsKnown = this.#learnPositions(assignment, this.#tracker.generation);
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
      () => this.#clients.readStableOffsets(topics),
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

  /** A sealed batch enters the stages; at the in-flight limit consumption pauses until one commits. */
  #submit(records: RawMessage[]): void {
    this.#inFlight++;
    if (this.#inFlight >= this.#maxInFlight) this.#pause();
    this.#stages.submit(records).then(
      () => {
        this.#inFlight--;
        if (this.#inFlight < this.#maxInFlight && this.#state === "running") this.#resume();
      },
      (error: unknown) => this.#fail(error),
    );
  }

  #pause(): void {
    if (this.#pausedSince !== undefined) return;
    this.#pausedSince = Date.now();
    this.#supervisor?.pause();
    this.#o.observer?.paused?.(true);
  }

  #resume(): void {
    if (this.#pausedSince === undefined) return;
    this.#pausedSince = undefined;
    this.#supervisor?.resume();
    this.#o.observer?.paused?.(false);
  }

  /** Graceful stop: stop consuming, commit what was consumed, leave the group, close. */
  async stop(): Promise<void> {
    if (this.#state === "stopped" || this.#state === "failed") return this.done.catch(ignore);
    if (this.#state === "stopping") return this.done;
    this.#state = "stopping";
    this.#supervisor?.pause();
    this.#batcher.seal();
    const drainMs = this.#o.drainTimeoutMs ?? 15_000;
    const drained = await Promise.race([
      this.#stages.drained.then(() => true),
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
    await this.#clients.close().catch(ignore);
    await this.#processing.close().catch(ignore);
  }
}
