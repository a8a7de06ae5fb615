import type { Serde } from "../../topology/dsl/types.ts";

/** A JSON value serde: what tests pipe in and read back as text. */
export function jsonSerde<T = unknown>(): Serde<T> {
  return {
    deserialize: (data) => JSON.parse(data.toString("utf8")) as T,
    serialize: (value) => Buffer.from(JSON.stringify(value)),
  };
}

export function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

export function parse(data: Buffer): unknown {
  return JSON.parse(data.toString("utf8"));
}

/** Dead-letter headers as plain strings, for readable assertions. */
export function headerText(headers: Map<string, Buffer> | undefined): Record<string, string> {
  return Object.fromEntries([...(headers ?? new Map<string, Buffer>())].map(([k, v]) => [k, v.toString()]));
}
