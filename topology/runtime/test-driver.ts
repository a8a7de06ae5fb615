import type { Topology } from "../dsl/topology.ts";
import { BatchCollector } from "./batch.ts";
import { deadLetterEverything, type ExceptionHandlers } from "./handlers.ts";
import { materialise, type OutgoingMessage } from "./materialise.ts";
import { type ConsumedRecord, RecordProcessor } from "./record-processor.ts";
import type { StoreRecord } from "./store.ts";

export interface TestDriverOptions {
  handlers?: ExceptionHandlers;
  deadLetterTopic?: string;
  deadLetterStore?: string;
}

/**
 * Runs a topology in-process, record by record, with no broker (after Kafka Streams' TopologyTestDriver). It uses
 * the same RecordProcessor and materialisation as the Kafka runtime, so what passes here is what runs there.
 */
export class TopologyTestDriver {
  readonly #processor: RecordProcessor;
  readonly #options: TestDriverOptions;
  readonly #outputs = new Map<string, OutgoingMessage[]>();
  readonly #stores = new Map<string, StoreRecord[]>();
  readonly #offsets = new Map<string, bigint>();

  constructor(topology: Topology, options: TestDriverOptions = {}) {
    this.#options = options;
    this.#processor = new RecordProcessor(topology, options.handlers ?? deadLetterEverything, {
      canDeadLetter: Boolean(options.deadLetterTopic || options.deadLetterStore),
    });
  }

  /** Pipes one record; resolves once it has gone through the whole graph. */
  async pipeInput(
    topic: string,
    value: Buffer | undefined,
    options: { key?: Buffer; partition?: number; timestamp?: bigint; headers?: Map<string, Buffer> } = {},
  ): Promise<void> {
    const partition = options.partition ?? 0;
    const positionKey = `${topic}:${partition}`;
    const offset = this.#offsets.get(positionKey) ?? 0n;
    this.#offsets.set(positionKey, offset + 1n);
    const record: ConsumedRecord = {
      topic,
      partition,
      offset,
      timestamp: options.timestamp ?? BigInt(Date.now()),
      key: options.key,
      value,
      headers: options.headers ?? new Map(),
    };
    const batch = new BatchCollector();
    await this.#processor.process(record, batch);
    const { messages, stores } = materialise(batch, {
      deadLetterTopic: this.#options.deadLetterTopic,
      deadLetterStore: this.#options.deadLetterStore,
    });
    for (const message of messages) {
      const list = this.#outputs.get(message.topic) ?? [];
      list.push(message);
      this.#outputs.set(message.topic, list);
    }
    for (const [name, records] of stores) {
      const list = this.#stores.get(name) ?? [];
      list.push(...records);
      this.#stores.set(name, list);
    }
  }

  /** Everything written to `topic` so far (and forgets it, like reading an output topic). */
  readOutput(topic: string): OutgoingMessage[] {
    const list = this.#outputs.get(topic) ?? [];
    this.#outputs.delete(topic);
    return list;
  }

  readStore(name: string): StoreRecord[] {
    const list = this.#stores.get(name) ?? [];
    this.#stores.delete(name);
    return list;
  }
}
