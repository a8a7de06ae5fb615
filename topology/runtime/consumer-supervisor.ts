import type { GroupAssignment, Message } from "@platformatic/kafka";
import { FETCH_MAX_BYTES, FETCH_MAX_BYTES_PER_PARTITION } from "./event-loop-bounds.ts";
import { classifyKafkaError } from "./kafka-errors.ts";
import type { Membership } from "./partition-tracker.ts";
import { type BackoffOptions, backoffDelay, sleep } from "./retry.ts";

export type RawMessage = Message<Buffer, Buffer, Buffer, Buffer>;

/** The parts of @platformatic/kafka's messages stream the supervisor uses. */
export interface StreamLike {
  on(event: "data", listener: (message: RawMessage) => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
  pause(): unknown;
  resume(): unknown;
  close(): Promise<unknown>;
}

/** The parts of @platformatic/kafka's consumer the supervisor uses. */
export interface ConsumerLike {
  consume(options: {
    topics: string[];
    mode: "committed";
    fallbackMode: "earliest";
    autocommit: false;
    maxWaitTime: number;
    maxBytes: number;
    maxBytesPerPartition: number;
  }): Promise<StreamLike>;
  on(
    event: "consumer:group:join",
    listener: (payload: { generationId?: number; assignments?: GroupAssignment[] }) => void,
  ): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
  close(force?: boolean): Promise<unknown>;
  readonly generationId: number;
  readonly memberId: string | null;
  readonly coordinatorId: number | null;
  readonly assignments: GroupAssignment[] | null;
}

export interface SupervisorEvents {
  message(message: RawMessage): void;
  joined(assignment: Array<{ topic: string; partition: number }>, membership: Membership): void;
  /** Consumption stopped for a Kafka failure (cause code) and is being restored; undefined once it is back. */
  trouble(cause: string | undefined): void;
  fatal(error: unknown): void;
}

/** A consumer's stream replacement: whether a join asked for (another) one, and the streams it took out. */
interface Replacement {
  consumer: ConsumerLike;
  again: boolean;
  retired: StreamLike[];
  running: boolean;
}

export interface SupervisorOptions {
  topics: string[];
  createConsumer(): ConsumerLike;
  retry: BackoffOptions;
  signal: AbortSignal;
  /** Longest wait for the old consumer to close after a failure (it may be talking to a dead broker). */
  closeTimeoutMs?: number;
}

/**
 * Owns the group consumer and its message stream. A stream that fails (the client gives up after its own few
 * retries when the broker is unreachable) is not the end of the pipeline: unless the error is fatal, the consumer
 * is closed and a new one joins the group, with backoff, for as long as the outage lasts. The group then
 * re-assigns partitions and the runtime's partition tracker resumes each from its committed offset. Each join
 * after the first also replaces the stream, so that nothing fetched before a join is delivered after it.
 */
export class ConsumerSupervisor {
  readonly #o: SupervisorOptions;
  readonly #events: SupervisorEvents;
  #consumer: ConsumerLike | undefined;
  #stream: StreamLike | undefined;
  #paused = false;
  #closed = false;
  #restoring: Promise<void> | undefined;
  /** The consumer whose first stream is running (its errors are failures from then on). */
  #running: ConsumerLike | undefined;
  /** The stream replacement under way after a join (one per consumer). */
  #replacement: Replacement | undefined;
  /** Closes of streams taken out of service, awaited before the consumer itself closes. */
  readonly #closing = new Set<Promise<void>>();

  constructor(options: SupervisorOptions, events: SupervisorEvents) {
    this.#o = options;
    this.#events = events;
  }

  get consumer(): ConsumerLike | undefined {
    return this.#consumer;
  }

  /** True while consumption is down and being restored. */
  get restoring(): boolean {
    return this.#restoring !== undefined;
  }

  /** Joins the group and starts consuming; throws when the first attempt fails (start-up should say so). */
  async start(): Promise<void> {
    await this.#connect();
  }

  pause(): void {
    this.#paused = true;
    this.#stream?.pause();
  }

  resume(): void {
    this.#paused = false;
    this.#stream?.resume();
  }

  async close(force: boolean): Promise<void> {
    this.#closed = true;
    const streams = [
      ...(this.#replacement?.retired.splice(0) ?? []),
      ...(this.#stream ? [this.#stream] : []),
    ];
    const consumer = this.#consumer;
    this.#stream = undefined;
    this.#consumer = undefined;
    for (const stream of streams) await stream.close().catch(() => undefined);
    // The client refuses to leave the group while a stream of the consumer is still open.
    await Promise.all(this.#closing);
    await consumer?.close(force).catch(() => undefined);
  }

  #consumeOptions(): Parameters<ConsumerLike["consume"]>[0] {
    return {
      topics: this.#o.topics,
      mode: "committed",
      fallbackMode: "earliest",
      autocommit: false,
      maxWaitTime: 200,
      // Bounded fetches, with the committer's sends (event-loop-bounds.ts).
      maxBytes: FETCH_MAX_BYTES,
      maxBytesPerPartition: FETCH_MAX_BYTES_PER_PARTITION,
    };
  }

  async #connect(): Promise<void> {
    const consumer = this.#o.createConsumer();
    // When a heartbeat finds the group gone (the broker restarted or left), the client rejoins in the background
    // and reports a rejoin that fails as an "error" event on the consumer itself, not on the stream. Unheard, that
    // event ends the process. It is the same failure as a stream error, and is handled as one. The listener stays
    // on a consumer that has been replaced, so that its late errors are ignored rather than fatal.
    consumer.on("error", (error) => {
      if (this.#consumer === consumer && this.#running === consumer) this.#onStreamError(error);
    });
    consumer.on("consumer:group:join", (payload) => {
      if (this.#consumer !== consumer) return;
      // The first join happens inside consume(), before there is a stream; every later one replaces the stream.
      if (this.#running === consumer) this.#replaceStream(consumer);
      const assignments = payload.assignments ?? consumer.assignments ?? [];
      this.#events.joined(
        assignments.flatMap((a) => a.partitions.map((partition) => ({ topic: a.topic, partition }))),
        {
          generationId: payload.generationId ?? consumer.generationId ?? -1,
          memberId: consumer.memberId ?? "",
          coordinatorId: consumer.coordinatorId ?? -1,
        },
      );
    });
    this.#consumer = consumer;
    let stream: StreamLike;
    try {
      stream = await consumer.consume(this.#consumeOptions());
    } catch (error) {
      this.#consumer = undefined;
      await this.#closeQuietly(undefined, consumer);
      throw error;
    }
    if (this.#closed) {
      await this.#closeQuietly(stream, consumer);
      return;
    }
    this.#install(stream);
    this.#running = consumer;
  }

  #install(stream: StreamLike): void {
    this.#stream = stream;
    stream.on("data", (message) => {
      if (this.#stream === stream) this.#events.message(message);
    });
    stream.on("error", (error) => {
      if (this.#stream === stream) this.#onStreamError(error);
    });
    if (this.#paused) stream.pause();
  }

  /**
   * After a join the stream in use stops delivering at once, and a new one, reading each assigned partition from
   * the group's committed offset, takes over. The client delivers whatever a stream fetched before a join after it:
   * records buffered while consumption was paused, and the answer of a fetch in flight. Such records may be of a
   * partition that moved away and came back in a later join, ahead of the re-read from its committed offset, which
   * would then be taken for re-deliveries: records lost. A new stream also starts a partition that has no committed
   * offset yet from the beginning, where the old one kept its own position. The topic stays subscribed throughout
   * (the new stream exists before the old one closes), so the replacement causes no join of its own.
   */
  #replaceStream(consumer: ConsumerLike): void {
    let r = this.#replacement;
    // A loop left by a consumer that has since been replaced ends on its own; this consumer gets its own.
    if (r?.consumer !== consumer) {
      r = { consumer, again: false, retired: [], running: false };
      this.#replacement = r;
    }
    if (this.#stream) r.retired.push(this.#stream);
    this.#stream = undefined;
    r.again = true;
    if (!r.running) {
      r.running = true;
      void this.#replaceLoop(r);
    }
  }

  async #replaceLoop(r: Replacement): Promise<void> {
    const current = () => !this.#closed && this.#consumer === r.consumer && this.#replacement === r;
    while (r.again && current()) {
      r.again = false;
      let stream: StreamLike;
      try {
        stream = await r.consumer.consume(this.#consumeOptions());
      } catch (error) {
        if (current()) this.#onStreamError(error);
        break;
      }
      if (!current() || r.again) {
        // Closed, replaced, or another join came while this stream was being made: it is stale already.
        r.retired.push(stream);
        continue;
      }
      this.#install(stream);
    }
    r.running = false;
    for (const stream of r.retired.splice(0)) {
      const closing = this.#closeQuietly(stream, undefined);
      this.#closing.add(closing);
      void closing.finally(() => this.#closing.delete(closing));
    }
  }

  #onStreamError(error: unknown): void {
    // Closing ends the stream and any join still retrying with errors of the client's own ("closed while
    // retrying"): they are the close, not a failure, and must not read as a misconfiguration.
    if (this.#closed) return;
    const cause = classifyKafkaError(error);
    if (cause.kind === "fatal") {
      this.#events.fatal(error);
      return;
    }
    this.#restoring ??= this.#restore(cause.code).finally(() => {
      this.#restoring = undefined;
    });
  }

  async #restore(firstCause: string): Promise<void> {
    this.#events.trouble(firstCause);
    const stream = this.#stream;
    const consumer = this.#consumer;
    this.#stream = undefined;
    this.#consumer = undefined;
    await this.#closeQuietly(stream, consumer);
    for (let attempt = 0; !this.#closed && !this.#o.signal.aborted; attempt++) {
      await sleep(backoffDelay(attempt, this.#o.retry), this.#o.signal);
      if (this.#closed || this.#o.signal.aborted) return;
      try {
        await this.#connect();
        this.#events.trouble(undefined);
        return;
      } catch (error) {
        if (this.#closed || this.#o.signal.aborted) return;
        const cause = classifyKafkaError(error);
        if (cause.kind === "fatal") {
          this.#events.fatal(error);
          return;
        }
        this.#events.trouble(cause.code);
      }
    }
  }

  /** Closes without waiting forever: a consumer whose broker is gone may not answer its leave request. */
  async #closeQuietly(stream: StreamLike | undefined, consumer: ConsumerLike | undefined): Promise<void> {
    const timeout = this.#o.closeTimeoutMs ?? 5_000;
    const bounded = async (p: Promise<unknown> | undefined) => {
      if (p === undefined) return;
      const timer = new AbortController();
      await Promise.race([p.catch(() => undefined), sleep(timeout, timer.signal)]);
      timer.abort();
    };
    await bounded(stream?.close());
    await bounded(consumer?.close(true));
  }
}
