/** The topology DSL and its runtimes: generic, knows nothing about patients. */
export { BranchedKStream, KStream, StreamsBuilder } from "./dsl/builder.ts";
export { isTransient, PermanentRecordError, TopologyFailedError, TransientError } from "./dsl/errors.ts";
export { Topology } from "./dsl/topology.ts";
export type { DeadLetterReason, KeyValue, RecordContext, Serde } from "./dsl/types.ts";
export { type DeadLetterMetadata, DLQ_HEADERS } from "./runtime/dead-letter.ts";
export {
  deadLetterEverything,
  type ExceptionHandlers,
  failOnError,
  type HandlerResponse,
} from "./runtime/handlers.ts";
export { classifyKafkaError, KAFKA_CAUSE_CODES, type KafkaCauseCode } from "./runtime/kafka-errors.ts";
export {
  type FaultPoint,
  KafkaRuntime,
  type KafkaRuntimeOptions,
  type RuntimeState,
} from "./runtime/kafka-runtime.ts";
export type { RuntimeObserver } from "./runtime/observer.ts";
export {
  type CountFn,
  InlineProcessing,
  type ProcessedBatch,
  type ProcessingStage,
  type TopologyFactory,
} from "./runtime/processing.ts";
export { type BackoffOptions, backoffDelay, retryWhile } from "./runtime/retry.ts";
export type {
  ExternalStore,
  PartitionOffset,
  StoreBatch,
  StoreCommitResult,
  StoreRecord,
} from "./runtime/store.ts";
export { TopologyTestDriver } from "./runtime/test-driver.ts";
export { WorkerProcessing, type WorkerProcessingOptions } from "./runtime/worker-processing.ts";
export type { PreparedStore } from "./runtime/worker-slice.ts";
