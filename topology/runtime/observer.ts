import type { DeadLetterReason } from "../dsl/types.ts";
import type { StoreCommitResult } from "./store.ts";

/** Hooks for metrics and logs. Arguments carry counts, codes and positions, never record values. */
export interface RuntimeObserver {
  batchCommitted?(info: {
    records: number;
    topicRecords: number;
    deadLetters: number;
    stores: ReadonlyMap<string, number>;
    store?: StoreCommitResult;
    storeMs: number;
    kafkaMs: number;
    processMs: number;
    dropped: number;
    /** Kafka timestamps of the committed records (ms), for end-to-end latency. */
    timestamps: readonly bigint[];
    /** Counters the topology reported while processing the batch (`CountFn`), e.g. outcomes per reason. */
    counters: ReadonlyMap<string, number>;
  }): void;
  deadLettered?(reason: DeadLetterReason, where: { topic: string; partition: number; offset: bigint }): void;
  retry?(cause: string, attempt: number, delayMs: number): void;
  transactionAborted?(cause: string): void;
  /** Kafka became unreachable or unusable (cause code), or answers again (`active` false). */
  kafkaOutage?(cause: string, active: boolean): void;
  rebalance?(info: { generationId: number; assignments: number }): void;
  paused?(paused: boolean): void;
  assignments?(partitions: Array<{ topic: string; partition: number }>): void;
  fatal?(error: unknown): void;
}
