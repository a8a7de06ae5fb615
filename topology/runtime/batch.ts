import { TopologyFailedError } from "../dsl/errors.ts";
import type { Collector, GraphNode, StoreSinkNode, TopicSinkNode } from "../dsl/graph.ts";
import type { DeadLetterReason, RecordContext } from "../dsl/types.ts";

export interface TopicOutput {
  topic: string;
  key: Buffer | undefined;
  value: Buffer;
  context: RecordContext;
}

export interface StoreOutput {
  key: unknown;
  value: unknown;
  context: RecordContext;
}

export interface DeadLetterOutput {
  node: string;
  reason: DeadLetterReason;
  context: RecordContext;
}

/**
 * Everything one batch of consumed records produced, held until the batch is committed as a unit. A record that
 * fails half-way is rolled back with `mark()`/`rollback()` so it never leaves partial output behind.
 */
export class BatchCollector implements Collector {
  readonly topics: TopicOutput[] = [];
  readonly stores = new Map<string, StoreOutput[]>();
  readonly deadLetters: DeadLetterOutput[] = [];
  /**
   * The store list each store output went to, in order: a rollback takes the outputs after its mark off their lists
   * from the last one back, so a mark is three counts rather than a copy of every list's length.
   */
  readonly #storeLog: StoreOutput[][] = [];

  /**
   * Serialises at once, inside the record's own error scope: a value that does not fit the output schema is that
   * record's failure (dead-letter), not the batch's. Serdes must be synchronous here (preload schemas at start-up).
   */
  toTopic(sink: TopicSinkNode, key: unknown, value: unknown, context: RecordContext): void {
    const valueBytes = sink.valueSerde.serialize(value, context);
    const keyBytes =
      key === undefined || key === null
        ? undefined
        : sink.keySerde
          ? sink.keySerde.serialize(key, context)
          : Buffer.isBuffer(key)
            ? key
            : Buffer.from(String(key));
    if (valueBytes instanceof Promise || keyBytes instanceof Promise) {
      throw new TopologyFailedError(`sink ${sink.name}: serdes used by to() must serialise synchronously`);
    }
    this.topics.push({ topic: sink.topic, key: keyBytes, value: valueBytes, context });
  }

  toStore(sink: StoreSinkNode, key: unknown, value: unknown, context: RecordContext): void {
    let list = this.stores.get(sink.store);
    if (!list) {
      list = [];
      this.stores.set(sink.store, list);
    }
    list.push({ key, value, context });
    this.#storeLog.push(list);
  }

  toDeadLetter(node: GraphNode, reason: DeadLetterReason, context: RecordContext): void {
    this.deadLetters.push({ node: node.name, reason, context });
  }

  mark(): { topics: number; deadLetters: number; stores: number } {
    return {
      topics: this.topics.length,
      deadLetters: this.deadLetters.length,
      stores: this.#storeLog.length,
    };
  }

  rollback(mark: ReturnType<BatchCollector["mark"]>): void {
    this.topics.length = mark.topics;
    this.deadLetters.length = mark.deadLetters;
    const log = this.#storeLog;
    while (log.length > mark.stores) (log.pop() as StoreOutput[]).pop();
  }

  get size(): number {
    let n = this.topics.length + this.deadLetters.length;
    for (const list of this.stores.values()) n += list.length;
    return n;
  }
}
