import { isTransient, TopologyFailedError } from "../dsl/errors.ts";
import { type GraphNode, push, type SourceNode } from "../dsl/graph.ts";
import type { Topology } from "../dsl/topology.ts";
import type { RecordContext } from "../dsl/types.ts";
import type { BatchCollector } from "./batch.ts";
import { type ExceptionHandlers, reasonFor } from "./handlers.ts";

export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: bigint;
  timestamp: bigint;
  key: Buffer | undefined;
  value: Buffer | undefined;
  headers: ReadonlyMap<Buffer | string, Buffer>;
}

const DEAD_LETTER_NODE = { name: "dead-letter-handler" } as GraphNode;

/**
 * Runs one consumed record through the topology into a batch collector. Shared by the Kafka runtime and the
 * in-process test driver, so both execute exactly the same code. Transient errors are rethrown for the caller to
 * retry; permanent ones go to the handlers.
 */
export class RecordProcessor {
  readonly #topology: Topology;
  readonly #handlers: ExceptionHandlers;
  readonly #canDeadLetter: boolean;

  constructor(topology: Topology, handlers: ExceptionHandlers, options: { canDeadLetter: boolean }) {
    this.#topology = topology;
    this.#handlers = handlers;
    this.#canDeadLetter = options.canDeadLetter;
  }

  process(record: ConsumedRecord, out: BatchCollector): void | Promise<void> {
    const source = this.#topology.sources.get(record.topic);
    if (!source) throw new TopologyFailedError(`no source for topic ${record.topic}`);
    const context: RecordContext = {
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      timestamp: record.timestamp,
      rawKey: record.key,
      rawValue: record.value,
      rawHeaders: record.headers,
    };
    let key: unknown;
    let value: unknown;
    try {
      key = record.key && source.keySerde ? source.keySerde.deserialize(record.key, context) : record.key;
      value = source.valueSerde.deserialize(record.value ?? Buffer.alloc(0), context);
    } catch (error) {
      this.#onDeserializationError(error, context, out);
      return;
    }
    if (key instanceof Promise || value instanceof Promise) {
      return Promise.all([key, value]).then(
        ([k, v]) => this.#run(source, k, v, context, out),
        (error: unknown) => this.#onDeserializationError(error, context, out),
      );
    }
    this.#run(source, key, value, context, out);
  }

  #onDeserializationError(error: unknown, context: RecordContext, out: BatchCollector): void {
    if (isTransient(error)) throw error;
    const answer = this.#handlers.deserialization(error, context);
    this.#deadLetterOrFail(answer, error, "deserialization", context, out);
  }

  #run(source: SourceNode, key: unknown, value: unknown, context: RecordContext, out: BatchCollector): void {
    const mark = out.mark();
    try {
      push(source, key, value, context, out);
    } catch (error) {
      out.rollback(mark);
      // A transient error is retried; a TopologyFailedError is a wiring fault (every record would fail): stop.
      if (isTransient(error) || error instanceof TopologyFailedError) throw error;
      const answer = this.#handlers.processing(error, context, source.name);
      this.#deadLetterOrFail(answer, error, "processing", context, out);
    }
  }

  #deadLetterOrFail(
    answer: "CONTINUE" | "FAIL",
    error: unknown,
    phase: "deserialization" | "processing",
    context: RecordContext,
    out: BatchCollector,
  ): void {
    const reason = reasonFor(error, phase);
    if (answer === "FAIL" || !this.#canDeadLetter) {
      throw new TopologyFailedError(
        `${phase} failed at ${context.topic}/${context.partition}@${context.offset} (${reason.code}); the pipeline stops rather than skip the record`,
        { cause: error },
      );
    }
    out.toDeadLetter(DEAD_LETTER_NODE, reason, context);
  }
}
