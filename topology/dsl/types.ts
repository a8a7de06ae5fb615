/** Where a record came from: enough to find it again, never its contents. */
export interface RecordContext {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly timestamp: bigint;
  /** The raw key and value as consumed. Only the dead-letter branch may forward these. */
  readonly rawKey: Buffer | undefined;
  readonly rawValue: Buffer | undefined;
  readonly rawHeaders: ReadonlyMap<Buffer | string, Buffer>;
}

export interface Serde<T> {
  /** May return a promise (e.g. a schema fetched from a registry on first use); the fast path should not. */
  deserialize(data: Buffer, context: RecordContext): T | Promise<T>;
  serialize(value: T, context: RecordContext): Buffer | Promise<Buffer>;
}

export type KeyValue<K, V> = { key: K; value: V };

/** A dead-letter decision: a stable reason code and a message that carries no record value. */
export interface DeadLetterReason {
  code: string;
  message: string;
  exception?: string;
  /** Extra metadata headers (e.g. a schema id); never record values. */
  extra?: Record<string, string>;
}

export type NodeKind =
  | "source"
  | "mapValues"
  | "map"
  | "filter"
  | "peek"
  | "split"
  | "branch"
  | "sink"
  | "store-sink"
  | "dead-letter";

export interface NodeDescription {
  name: string;
  kind: NodeKind;
  topic?: string;
  children: string[];
}
