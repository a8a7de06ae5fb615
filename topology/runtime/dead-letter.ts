import type { DeadLetterMetadata } from "../../contracts/stores.ts";
import type { DeadLetterReason, RecordContext } from "../dsl/types.ts";
import type { DeadLetterOutput } from "./batch.ts";

export type { DeadLetterMetadata };

/** Header names of the dead-letter record (after Kafka Streams' KIP-1034). Values are metadata, never content. */
export const DLQ_HEADERS = Object.freeze({
  exception: "errors.exception",
  message: "errors.message",
  reason: "errors.reason",
  node: "errors.node",
  topic: "errors.topic",
  partition: "errors.partition",
  offset: "errors.offset",
  timestamp: "errors.timestamp",
});

export function deadLetterMetadata(output: DeadLetterOutput): DeadLetterMetadata {
  const { reason, context, node } = output;
  return {
    reasonCode: reason.code,
    exception: reason.exception ?? "Error",
    message: reason.message,
    node,
    topic: context.topic,
    partition: context.partition,
    offset: context.offset,
    timestamp: context.timestamp,
    extra: reason.extra ?? {},
  };
}

export function deadLetterHeaders(
  reason: DeadLetterReason,
  context: RecordContext,
  node: string,
): Map<string, Buffer> {
  const headers = new Map<string, Buffer>([
    [DLQ_HEADERS.exception, Buffer.from(reason.exception ?? "Error")],
    [DLQ_HEADERS.message, Buffer.from(reason.message)],
    [DLQ_HEADERS.reason, Buffer.from(reason.code)],
    [DLQ_HEADERS.node, Buffer.from(node)],
    [DLQ_HEADERS.topic, Buffer.from(context.topic)],
    [DLQ_HEADERS.partition, Buffer.from(String(context.partition))],
    [DLQ_HEADERS.offset, Buffer.from(String(context.offset))],
    [DLQ_HEADERS.timestamp, Buffer.from(String(context.timestamp))],
  ]);
  for (const [key, value] of Object.entries(reason.extra ?? {}))
    headers.set(`errors.${key}`, Buffer.from(value));
  return headers;
}
