/** The store contract lives in contracts/ so that sinks/ can implement it without importing the topology. */
export type {
  ExternalStore,
  PartitionOffset,
  StoreBatch,
  StoreCommitResult,
  StoreRecord,
} from "../../contracts/stores.ts";
