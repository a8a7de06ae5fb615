import { EventEmitter } from "node:events";
import type { GroupAssignment } from "@platformatic/kafka";
import type { ConsumerLike, RawMessage, StreamLike } from "../../topology/runtime/consumer-supervisor.ts";
import type { ProducerLike, TransactionLike } from "../../topology/runtime/kafka-committer.ts";
import type { OutgoingMessage } from "../../topology/runtime/materialise.ts";

/** In-memory stand-ins for @platformatic/kafka's producer, transaction, consumer and stream (unit tests only). */

export type Step = "begin" | "send" | "addConsumer" | "addOffset" | "commit" | "abort";

export interface FakeBroker {
  /** Messages of committed transactions, in commit order. */
  committed: OutgoingMessage[][];
  /** Offsets committed for the group: topic → partition → next offset. */
  offsets: Map<string, Map<number, bigint>>;
  /** Every step of every transaction, for order checks. */
  log: string[];
  /** Throw this error the next time `step` is reached (then forget it). */
  failNext: Map<Step, unknown>;
  producersCreated: number;
}

export function fakeBroker(): FakeBroker {
  return { committed: [], offsets: new Map(), log: [], failNext: new Map(), producersCreated: 0 };
}

function maybeFail(broker: FakeBroker, step: Step): void {
  const error = broker.failNext.get(step);
  if (error !== undefined) {
    broker.failNext.delete(step);
    throw error;
  }
}

export function fakeProducer(broker: FakeBroker, options: { commitButLoseAnswer?: () => boolean } = {}) {
  broker.producersCreated++;
  const id = broker.producersCreated;
  const producer: ProducerLike & { closed: boolean } = {
    closed: false,
    async beginTransaction(): Promise<TransactionLike> {
      broker.log.push(`p${id}:begin`);
      maybeFail(broker, "begin");
      const messages: OutgoingMessage[] = [];
      const offsets: Array<{ topic: string; partition: number; offset: bigint; generationId: number }> = [];
      return {
        async send({ messages: chunk }) {
          broker.log.push(`p${id}:send:${chunk.length}`);
          maybeFail(broker, "send");
          messages.push(...chunk);
        },
        async addConsumer({ groupId }) {
          broker.log.push(`p${id}:addConsumer:${groupId}`);
          maybeFail(broker, "addConsumer");
        },
        async addOffset(m) {
          broker.log.push(
            `p${id}:addOffset:${m.topic}/${m.partition}@${m.offset}:g${m.metadata.consumer.generationId}`,
          );
          maybeFail(broker, "addOffset");
          offsets.push({ ...m, generationId: m.metadata.consumer.generationId });
        },
        async commit() {
          broker.log.push(`p${id}:commit`);
          const apply = () => {
            broker.committed.push(messages);
            for (const o of offsets) {
              const partitions = broker.offsets.get(o.topic) ?? new Map<number, bigint>();
              partitions.set(o.partition, o.offset + 1n);
              broker.offsets.set(o.topic, partitions);
            }
          };
          if (options.commitButLoseAnswer?.()) {
            apply();
            throw Object.assign(new Error("connection closed before the answer"), {
              code: "PLT_KFK_NETWORK",
            });
          }
          maybeFail(broker, "commit");
          apply();
        },
        async abort() {
          broker.log.push(`p${id}:abort`);
          maybeFail(broker, "abort");
        },
        cancel() {
          broker.log.push(`p${id}:cancel`);
        },
      };
    },
    async close() {
      producer.closed = true;
    },
  };
  return producer;
}

export function stableReader(broker: FakeBroker) {
  return async (topics: Array<{ topic: string; partitions: number[] }>) => {
    const out = new Map<string, bigint[]>();
    for (const { topic, partitions } of topics) {
      const list: bigint[] = [];
      for (const p of partitions) list[p] = broker.offsets.get(topic)?.get(p) ?? -1n;
      out.set(topic, list);
    }
    return out;
  };
}

export class FakeStream extends EventEmitter implements StreamLike {
  paused = false;
  closed = false;
  pause() {
    this.paused = true;
  }
  resume() {
    this.paused = false;
  }
  async close() {
    this.closed = true;
  }
  deliver(message: RawMessage) {
    this.emit("data", message);
  }
  fail(error: unknown) {
    this.emit("error", error);
  }
}

export class FakeConsumer extends EventEmitter implements ConsumerLike {
  generationId = 0;
  memberId: string | null = null;
  coordinatorId: number | null = 1;
  assignments: GroupAssignment[] | null = null;
  stream: FakeStream | undefined;
  closed = false;
  consumeError: unknown;
  readonly id: number;
  constructor(id: number) {
    super();
    this.id = id;
    this.memberId = `member-${id}`;
  }
  /** Every stream made, in order. */
  readonly streams: FakeStream[] = [];
  /** When set, consume() waits for it (a stream being made while other things happen). */
  consumeGate: Promise<void> | undefined;
  /** Makes consume() wait until the returned function is called. */
  holdConsume(): () => void {
    let open!: () => void;
    this.consumeGate = new Promise<void>((resolve) => {
      open = resolve;
    });
    return open;
  }
  async consume() {
    if (this.consumeGate) await this.consumeGate;
    if (this.consumeError !== undefined) throw this.consumeError;
    this.stream = new FakeStream();
    this.streams.push(this.stream);
    return this.stream;
  }
  async close() {
    this.closed = true;
  }
  /**
   * The group coordinator hands this member an assignment. A supervised consumer then replaces its stream: this
   * settles once a new stream is listened to (or after a few turns of the event loop when none comes).
   */
  async join(generationId: number, assignments: GroupAssignment[]) {
    const before = this.stream;
    this.generationId = generationId;
    this.assignments = assignments;
    this.emit("consumer:group:join", { generationId, assignments });
    for (let turn = 0; turn < 50; turn++) {
      if (this.stream !== before && (this.stream?.listenerCount("data") ?? 0) > 0) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

let nextOffset = new Map<string, bigint>();
export function resetOffsets() {
  nextOffset = new Map();
}

/** A consumed message at the next offset of `topic`/`partition` (or at `offset`). */
export function message(topic: string, partition: number, value: string, offset?: bigint): RawMessage {
  const key = `${topic}:${partition}`;
  const at = offset ?? nextOffset.get(key) ?? 0n;
  nextOffset.set(key, at + 1n);
  return {
    topic,
    partition,
    offset: at,
    timestamp: 1_700_000_000_000n,
    key: Buffer.from("k"),
    value: Buffer.from(value),
    headers: new Map(),
    metadata: {},
    commit: () => undefined,
  } as unknown as RawMessage;
}

export const networkError = () =>
  Object.assign(new Error("connect ECONNREFUSED"), { code: "PLT_KFK_NETWORK", canRetry: true });
