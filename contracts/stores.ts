/**
 * What the stream runtime hands to an external store, and what the patient topology's stores are called. Shared by
 * the runtime (which produces these) and sinks/ (which writes them), so neither declares the other's types.
 */

/** A record handed to an external store: its value plus where it came from (for idempotent replay). */
export interface StoreRecord {
  key: unknown;
  value: unknown;
  topic: string;
  partition: number;
  offset: bigint;
  timestamp: bigint;
}

/**
 * A research record's value as the processing threads hand it over: its whole row already in the research store's
 * COPY form (sinks/research-columns.ts), `bytes[start, end)` of a buffer that the rows prepared together share, and
 * the two stamps the store's audit row reads (the record's own `policy_version` and `key_id`). The main thread
 * neither receives nor encodes the record objects: it writes slices of the buffers it was given. The runtime moves
 * such rows between threads packed into typed arrays (topology/runtime/worker-wire.ts), not as an object each. The
 * store takes either form.
 */
export interface PreparedRow {
  readonly bytes: Uint8Array;
  readonly start: number;
  readonly end: number;
  readonly policy_version: string;
  readonly key_id: string;
}

export function isPreparedRow(value: unknown): value is PreparedRow {
  const v = value as Partial<Record<keyof PreparedRow, unknown>> | null;
  return v?.bytes instanceof Uint8Array && typeof v.start === "number" && typeof v.end === "number";
}

export interface PartitionOffset {
  topic: string;
  partition: number;
  /** The offset of the next record to consume: last processed + 1. */
  nextOffset: bigint;
}

export interface StoreBatch {
  consumerGroup: string;
  /** Records by store name (the names given to `toStore()`, plus the dead-letter store). */
  records: ReadonlyMap<string, readonly StoreRecord[]>;
  /** The consumed position of every partition in the batch, including those that produced no store records. */
  offsets: readonly PartitionOffset[];
}

export interface StoreCommitResult {
  /** Records skipped because the store had already committed their offsets (a replay after a crash). */
  skipped: number;
  written: number;
}

/**
 * An external store committed together with the consumed offsets, before the Kafka transaction. It must commit
 * everything in one transaction with the offsets, and skip records at offsets it has already committed: that is
 * what makes a crash between the store commit and the Kafka commit harmless.
 * Transient failures must be thrown as transient coded errors (the runtime retries); anything else stops the
 * pipeline.
 */
export interface ExternalStore {
  commit(batch: StoreBatch): Promise<StoreCommitResult>;
}

/** The value the dead-letter store receives: where the record was and why it failed, never its contents. */
export interface DeadLetterMetadata {
  reasonCode: string;
  exception: string;
  message: string;
  node: string;
  topic: string;
  partition: number;
  offset: bigint;
  timestamp: bigint;
  extra: Record<string, string>;
}

/** Names of the stores the patient topology writes; the PostgreSQL sink maps them to tables. */
export const PATIENT_STORES = Object.freeze({
  anonymised: "anonymised",
  withheld: "withheld",
  deadLetters: "dead-letters",
});
