import { TopologyFailedError } from "../dsl/errors.ts";
import { SEND_MAX_BYTES } from "./event-loop-bounds.ts";
import { classifyKafkaError } from "./kafka-errors.ts";
import type { OutgoingMessage } from "./materialise.ts";
import type { Membership, Position } from "./partition-tracker.ts";
import { type BackoffOptions, backoffDelay, sleep } from "./retry.ts";

/** The parts of @platformatic/kafka's transaction the committer uses (a fake stands in for it in unit tests). */
export interface TransactionLike {
  send(request: { messages: OutgoingMessage[] }): Promise<unknown>;
  addConsumer(consumer: { groupId: string }): Promise<unknown>;
  addOffset(
    message: Position & { metadata: { consumer: Membership & { groupId: string } } },
  ): Promise<unknown>;
  commit(): Promise<unknown>;
  abort(): Promise<unknown>;
  cancel(): unknown;
}

export interface ProducerLike {
  beginTransaction(): Promise<TransactionLike>;
  close(force?: boolean): Promise<unknown>;
}

/** Committed offsets of the group, read with require_stable (pending transactional commits are waited out). */
export type StableOffsetReader = (
  topics: Array<{ topic: string; partitions: number[] }>,
) => Promise<Map<string, bigint[]>>;

export interface CommitterObserver {
  retry?(cause: string, attempt: number, delayMs: number): void;
  transactionAborted?(cause: string): void;
  /** A Kafka failure (cause code) is being waited out; undefined when Kafka answers again. */
  kafkaTrouble?(cause: string | undefined): void;
}

export interface CommitterOptions {
  groupId: string;
  createProducer(): ProducerLike;
  readStableOffsets: StableOffsetReader;
  retry: BackoffOptions;
  signal: AbortSignal;
  /** The membership offsets are committed under, and the generation counter bumped by every join. */
  membership(): { generation: number; membership: Membership | undefined };
  observer?: CommitterObserver;
  faultPoint?(point: "in-kafka-transaction"): void;
  /** Largest produce request (bytes) per send; SEND_MAX_BYTES (event-loop-bounds.ts) unless set. */
  maxSendBytes?: number;
}

export type CommitOutcome = "committed" | "rebalanced";

export function chunkBySize<T extends { value: Buffer; key?: Buffer | undefined }>(
  messages: readonly T[],
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

/**
 * One Kafka transaction per batch: its output messages plus the consumed offsets (sendOffsetsToTransaction), so the
 * outputs become visible to read_committed readers exactly when the input is marked consumed.
 *
 * Failures: a rebalance under the batch answers `rebalanced` (the caller takes the batch again under the new
 * assignment); a fenced producer, refused credentials or a record the broker will never take stop the pipeline;
 * anything else (broker unreachable, coordinator moving, timeouts) is retried with backoff for as long as it lasts,
 * each time with a fresh producer when the old transaction could not be aborted cleanly.
 *
 * A commit whose answer never came has an unknown outcome. The next attempt's InitProducerId completes or aborts
 * it on the broker; then the group's committed offsets, read with require_stable (so a commit still writing its
 * markers is waited for, never mistaken for absent), say which: committed, or to be produced again.
 */
export class TransactionalCommitter {
  readonly #o: CommitterOptions;
  #producer: ProducerLike;

  constructor(options: CommitterOptions) {
    this.#o = options;
    this.#producer = options.createProducer();
  }

  async commit(
    messages: OutgoingMessage[],
    last: readonly Position[],
    generationAtStart: number,
  ): Promise<CommitOutcome> {
    const o = this.#o;
    let outcomeUnknown = false;
    let troubled = false;
    const settled = (outcome: CommitOutcome): CommitOutcome => {
      if (troubled) o.observer?.kafkaTrouble?.(undefined);
      return outcome;
    };
    for (let attempt = 0; ; attempt++) {
      const producer = this.#producer;
      let transaction: TransactionLike | undefined;
      let committing = false;
      try {
        // On a new producer this is InitProducerId, which first completes or aborts whatever the old one left.
        transaction = await producer.beginTransaction();
        if (outcomeUnknown) {
          if (await this.#alreadyCommitted(last)) {
            await transaction.abort().catch(() => transaction?.cancel());
            return settled("committed");
          }
          outcomeUnknown = false;
        }
        const { generation, membership } = o.membership();
        if (generation !== generationAtStart || !membership) {
          await transaction.abort().catch(() => transaction?.cancel());
          o.observer?.transactionAborted?.("rebalance");
          return settled("rebalanced");
        }
        for (const chunk of chunkBySize(messages, o.maxSendBytes ?? SEND_MAX_BYTES))
          await transaction.send({ messages: chunk });
        await transaction.addConsumer({ groupId: o.groupId });
        for (const position of last) {
          // Committed under the membership of the current assignment (KIP-447 fencing), not the one the records
          // were fetched under: the coordinator then refuses offsets for partitions that moved to another replica.
          await transaction.addOffset({
            topic: position.topic,
            partition: position.partition,
            offset: position.offset,
            metadata: { consumer: { ...membership, groupId: o.groupId } },
          });
        }
        o.faultPoint?.("in-kafka-transaction");
        committing = true;
        await transaction.commit();
        return settled("committed");
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
        const cause = classifyKafkaError(error);
        if (cause.kind === "fatal") {
          throw new TopologyFailedError(
            `${cause.code}: the Kafka transaction failed in a way retrying cannot fix; the pipeline stops rather than skip or duplicate a batch`,
            { cause: error },
          );
        }
        if (cause.kind === "rejoin" && !outcomeUnknown) {
          o.observer?.transactionAborted?.("rebalance");
          // Give the join a moment to complete before the batch is taken again.
          await sleep(backoffDelay(attempt, o.retry), o.signal);
          return settled("rebalanced");
        }
        if (o.signal.aborted) throw error;
        const wait = backoffDelay(attempt, o.retry);
        if (!troubled) o.observer?.kafkaTrouble?.(cause.code);
        troubled = true;
        o.observer?.transactionAborted?.(outcomeUnknown ? "commit-unknown" : "kafka");
        o.observer?.retry?.(cause.code, attempt + 1, wait);
        await sleep(wait, o.signal);
      }
    }
  }

  /** True when the group's committed offsets (read stable) already include every position of the batch. */
  async #alreadyCommitted(last: readonly Position[]): Promise<boolean> {
    const byTopic = new Map<string, number[]>();
    for (const p of last) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
    const topics = [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
    for (let attempt = 0; ; attempt++) {
      if (this.#o.signal.aborted)
        throw new TopologyFailedError("stopped while resolving a commit of unknown outcome");
      try {
        const committed = await this.#o.readStableOffsets(topics);
        return last.every((p) => (committed.get(p.topic)?.[p.partition] ?? -1n) >= p.offset + 1n);
      } catch (error) {
        // Unknown stays unknown until the coordinator answers: guessing "not committed" would produce twice.
        const cause = classifyKafkaError(error);
        if (cause.kind === "fatal") throw error;
        const wait = backoffDelay(attempt, this.#o.retry);
        this.#o.observer?.retry?.(cause.code, attempt + 1, wait);
        await sleep(wait, this.#o.signal);
      }
    }
  }

  async #resetProducer(): Promise<void> {
    const old = this.#producer;
    this.#producer = this.#o.createProducer();
    await old.close(true).catch(() => undefined);
  }

  async close(force: boolean): Promise<void> {
    await this.#producer.close(force).catch(() => undefined);
  }
}
