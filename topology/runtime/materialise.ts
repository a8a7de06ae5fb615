import type { BatchCollector } from "./batch.ts";
import { deadLetterHeaders, deadLetterMetadata } from "./dead-letter.ts";
import type { StoreRecord } from "./store.ts";

export interface OutgoingMessage {
  topic: string;
  key: Buffer | undefined;
  value: Buffer;
  headers?: Map<string, Buffer>;
  /** Keep the source partition so records keep their order relation to the input. */
  partition?: number;
}

/**
 * Turns what a batch collected into the messages of the Kafka transaction and the records of the store commit.
 * Dead letters go to both: the raw source bytes to the restricted dead-letter topic, metadata only to the store.
 */
export function materialise(
  batch: BatchCollector,
  options: { deadLetterTopic: string | undefined; deadLetterStore: string | undefined },
): { messages: OutgoingMessage[]; stores: Map<string, StoreRecord[]> } {
  const messages: OutgoingMessage[] = batch.topics.map((t) => ({
    topic: t.topic,
    key: t.key,
    value: t.value,
  }));
  const stores = new Map<string, StoreRecord[]>();
  for (const [name, list] of batch.stores) {
    stores.set(
      name,
      list.map((r) => ({
        key: r.key,
        value: r.value,
        topic: r.context.topic,
        partition: r.context.partition,
        offset: r.context.offset,
        timestamp: r.context.timestamp,
      })),
    );
  }
  if (batch.deadLetters.length > 0) {
    const dlqRecords: StoreRecord[] = [];
    for (const dead of batch.deadLetters) {
      const { context } = dead;
      if (options.deadLetterTopic) {
        messages.push({
          topic: options.deadLetterTopic,
          key: context.rawKey,
          value: context.rawValue ?? Buffer.alloc(0),
          headers: deadLetterHeaders(dead.reason, context, dead.node),
        });
      }
      dlqRecords.push({
        key: undefined,
        value: deadLetterMetadata(dead),
        topic: context.topic,
        partition: context.partition,
        offset: context.offset,
        timestamp: context.timestamp,
      });
    }
    if (options.deadLetterStore) {
      const existing = stores.get(options.deadLetterStore) ?? [];
      stores.set(options.deadLetterStore, existing.concat(dlqRecords));
    }
  }
  return { messages, stores };
}
