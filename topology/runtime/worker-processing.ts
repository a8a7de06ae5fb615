import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { TopologyFailedError } from "../dsl/errors.ts";
import type { DeadLetterReason } from "../dsl/types.ts";
import type { OutgoingMessage } from "./materialise.ts";
import { PartitionMap } from "./partition-tracker.ts";
import type { ProcessedBatch, ProcessingOptions, ProcessingStage } from "./processing.ts";
import type { ConsumedRecord } from "./record-processor.ts";
import type { StoreRecord } from "./store.ts";
import {
  type PackedMessages,
  type PackedRecords,
  type PackedRows,
  packRecords,
  unpackMessages,
  unpackRows,
} from "./worker-wire.ts";

/**
 * Processing on worker threads, so that decoding, anonymising and encoding use every core while the main thread
 * does the I/O (fetching, the store commit, the Kafka transaction) and the bookkeeping.
 *
 * Each worker imports `module` and calls its `build(settings, count)` export to get its own copy of the topology
 * (its own engine, caches and registry client): workers share nothing but the settings. Each owned partition has
 * a worker (spread round robin at every group join): a batch's records go to their partition's worker, so with
 * records keyed by patient each worker's caches and memos serve its share of the patients, not all of them (about
 * 4% less CPU per record in the pipeline benchmark). When that would load one worker with most of the batch (a
 * batch of one partition), the batch is cut into equal contiguous slices instead. Either way each partition's
 * records stay in their order: a partition is in one part, or in consecutive slices joined in slice order. The
 * order between partitions within a batch is not kept (nor does the consumer promise one). A worker that dies takes
 * the pipeline down (fail closed); a transient error inside a worker is retried there, record by record, as on the
 * main thread.
 */
export interface WorkerProcessingOptions {
  /** A module exporting `build(settings, count): Topology`. */
  module: URL;
  /** Structured-cloneable settings for `build`. */
  settings: unknown;
  /** Worker threads (default: one per available core). */
  threads?: number;
  processing: Omit<ProcessingOptions, "handlers" | "onRetry">;
  onRetry?: (code: string, attempt: number, delayMs: number) => void;
  /** Smallest slice worth a thread of its own (small batches go to one worker). */
  minSlice?: number;
  /**
   * Niceness added to each worker thread's scheduling priority (PROCESSING_THREAD_NICENESS; 0 leaves it as the
   * process's). Default DEFAULT_PROCESSING_THREAD_NICENESS.
   */
  niceness?: number;
  /**
   * Each worker's young generation, in MB (V8 `maxYoungGenerationSizeMb`). The engine allocates many short-lived
   * strings per record; a young generation larger than V8's default is collected less often and promotes less to
   * the old generation, which measured about 8% less CPU per record in the pipeline benchmark.
   */
  youngGenerationMb?: number;
}

export const DEFAULT_YOUNG_GENERATION_MB = 96;

/**
 * How far below the event loop a processing thread runs in the scheduler by default (niceness added to the
 * process's own). When the cores are busy, the pipeline's own event loop (Kafka, PostgreSQL, heartbeats, health
 * endpoints) goes first and the processing threads take what is left. It ranks threads within the pipeline's
 * process only: the broker and PostgreSQL, in their own containers or scheduling groups, are not affected.
 */
export const DEFAULT_PROCESSING_THREAD_NICENESS = 10;

/** What crosses the thread boundary: plain data only, bytes packed and transferred (worker-wire.ts). */
export interface WorkerRequest {
  id: number;
  records: PackedRecords;
}

export type WorkerReply =
  /** `ms`: the time the worker spent on the slice, from taking it off its queue to replying. */
  | { id: number; ok: true; parts: WireBatch[]; ms: number }
  | { id: number; ok: false; error: { name: string; code: string; message: string } }
  | { retry: { code: string; attempt: number; delayMs: number } }
  | { ready: true }
  | { startFailed: { name: string; code: string; message: string } };

export interface WireBatch {
  messages: PackedMessages;
  /**
   * Each store's records, as they are (`stores`) or packed (`rows`) when prepared as rows: a store is in one of the
   * two lists of a part, never both, so joining the parts in order keeps each store's records in order.
   */
  stores: Array<[string, StoreRecord[]]>;
  rows: Array<[string, PackedRows]>;
  deadLetters: Array<{
    reason: DeadLetterReason;
    position: { topic: string; partition: number; offset: bigint };
  }>;
  topicRecords: number;
  counters: Array<[string, number]>;
}

/** A slice's result: its parts and the time the worker spent on it. */
interface SliceResult {
  parts: WireBatch[];
  ms: number;
}

interface Pending {
  resolve(result: SliceResult): void;
  reject(error: unknown): void;
}

class PoolWorker {
  readonly worker: Worker;
  readonly #pending = new Map<number, Pending>();
  readonly ready: Promise<void>;
  #nextId = 0;
  #dead: unknown;

  constructor(
    entry: URL,
    workerData: unknown,
    youngGenerationMb: number,
    onRetry: WorkerProcessingOptions["onRetry"],
    onDeath: (e: unknown) => void,
  ) {
    this.worker = new Worker(entry, {
      workerData,
      resourceLimits: { maxYoungGenerationSizeMb: youngGenerationMb },
    });
    this.ready = new Promise((resolve, reject) => {
      this.worker.on("message", (reply: WorkerReply) => {
        if ("ready" in reply) resolve();
        else if ("startFailed" in reply) reject(revive(reply.startFailed));
        else if ("retry" in reply) onRetry?.(reply.retry.code, reply.retry.attempt, reply.retry.delayMs);
        else {
          const pending = this.#pending.get(reply.id);
          this.#pending.delete(reply.id);
          if (!pending) return;
          if (reply.ok) pending.resolve({ parts: reply.parts, ms: reply.ms });
          else pending.reject(revive(reply.error));
        }
      });
      const die = (error: unknown) => {
        this.#dead ??= error;
        reject(error);
        for (const p of this.#pending.values()) p.reject(error);
        this.#pending.clear();
        onDeath(error);
      };
      this.worker.on("error", die);
      this.worker.on("exit", (code) => {
        if (this.#dead === undefined && code !== 0)
          die(new TopologyFailedError(`a processing worker exited with code ${code}`));
      });
    });
    this.ready.catch(() => undefined);
  }

  run(records: readonly ConsumedRecord[]): Promise<SliceResult> {
    if (this.#dead !== undefined) return Promise.reject(this.#dead);
    const id = this.#nextId++;
    const { packed, transfer } = packRecords(records);
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, records: packed } satisfies WorkerRequest, transfer);
    });
  }
}

/** An error from a worker, as one of ours: its code and value-free message survive, its class does not. */
function revive(e: { name: string; code: string; message: string }): Error {
  return new TopologyFailedError(`${e.code}: ${e.message} (in a processing worker, ${e.name})`);
}

/** The most of a batch one worker takes when records go by partition; beyond it the batch is cut evenly. */
const MAX_OWNER_SHARE = 0.75;

export class WorkerProcessing implements ProcessingStage {
  /** Each worker takes its slices in the order sent (worker-entry.ts queues them), one at a time. */
  readonly overlaps = true;
  readonly #workers: PoolWorker[];
  /** Which worker processes each partition's records (see `assigned`). */
  readonly #owner = new PartitionMap<number>();
  readonly #minSlice: number;
  #failure: unknown;

  constructor(options: WorkerProcessingOptions) {
    const threads = Math.max(1, options.threads ?? availableParallelism());
    this.#minSlice = options.minSlice ?? 64;
    const youngGenerationMb = options.youngGenerationMb ?? DEFAULT_YOUNG_GENERATION_MB;
    const entry = new URL("./worker-entry.ts", import.meta.url);
    const workerData = {
      module: options.module.href,
      settings: options.settings,
      processing: options.processing,
      niceness: options.niceness ?? DEFAULT_PROCESSING_THREAD_NICENESS,
    };
    this.#workers = Array.from(
      { length: threads },
      () =>
        new PoolWorker(entry, workerData, youngGenerationMb, options.onRetry, (error) => {
          this.#failure ??= error;
        }),
    );
  }

  get threads(): number {
    return this.#workers.length;
  }

  /** Resolves once every worker has built its topology; rejects with the first start-up failure. */
  async ready(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.ready));
  }

  async process(records: readonly ConsumedRecord[], signal: AbortSignal): Promise<ProcessedBatch> {
    if (this.#failure !== undefined) throw this.#failure;
    if (signal.aborted) throw new TopologyFailedError("processing stopped");
    if (this.#workers.length > 1 && records.length >= 2 * this.#minSlice) {
      const byWorker = this.#byOwner(records);
      if (byWorker) {
        const used = byWorker.flatMap((list, i) => (list.length > 0 ? [[i, list] as const] : []));
        return join(await Promise.all(used.map(([i, list]) => (this.#workers[i] as PoolWorker).run(list))));
      }
    }
    const slices = Math.max(1, Math.min(this.#workers.length, Math.floor(records.length / this.#minSlice)));
    const size = Math.ceil(records.length / slices);
    return join(
      await Promise.all(
        Array.from({ length: slices }, (_, i) =>
          (this.#workers[i] as PoolWorker).run(records.slice(i * size, (i + 1) * size)),
        ),
      ),
    );
  }

  /** Spreads the owned partitions over the workers, in topic and partition order, round robin. */
  assigned(partitions: ReadonlyArray<{ topic: string; partition: number }>): void {
    this.#owner.clear();
    const sorted = [...partitions].sort(
      (a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition,
    );
    for (const [i, p] of sorted.entries()) this.#owner.set(p.topic, p.partition, i % this.#workers.length);
  }

  /**
   * The batch cut by the worker that owns each record's partition (each partition's records in their order), or
   * undefined when that would leave one worker more than MAX_OWNER_SHARE of the batch (a batch of one partition,
   * say): then the batch is cut into equal slices instead. A partition not yet assigned goes to the next worker.
   */
  #byOwner(records: readonly ConsumedRecord[]): ConsumedRecord[][] | undefined {
    const lists: ConsumedRecord[][] = this.#workers.map(() => []);
    for (const r of records) {
      let w = this.#owner.get(r.topic, r.partition);
      if (w === undefined) {
        w = this.#owner.size % this.#workers.length;
        this.#owner.set(r.topic, r.partition, w);
      }
      (lists[w] as ConsumedRecord[]).push(r);
    }
    const largest = Math.max(...lists.map((l) => l.length));
    return largest <= MAX_OWNER_SHARE * records.length ? lists : undefined;
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.worker.terminate().catch(() => undefined)));
  }
}

function addTo(stores: Map<string, StoreRecord[]>, name: string, list: readonly StoreRecord[]): void {
  const target = stores.get(name) ?? [];
  for (const r of list) target.push(r);
  stores.set(name, target);
}

/**
 * Joins the parts of slices in slice order (topic messages before dead letters, as one thread would emit them). The
 * batch's processing time is its longest slice's: the slices run side by side, and a slice's time leaves out how long
 * it waited behind the previous batch's slice on its worker.
 */
function join(slices: SliceResult[]): ProcessedBatch {
  const parts = slices.flatMap((s) => s.parts);
  const topicMessages: OutgoingMessage[] = [];
  const deadLetterMessages: OutgoingMessage[] = [];
  const stores = new Map<string, StoreRecord[]>();
  const counters = new Map<string, number>();
  const deadLetters: ProcessedBatch["deadLetters"] = [];
  let topicRecords = 0;
  for (const part of parts) {
    // Within a part, materialise puts the topic outputs first and the dead-letter messages after them.
    const messages = unpackMessages(part.messages);
    for (let i = 0; i < messages.length; i++)
      (i < part.topicRecords ? topicMessages : deadLetterMessages).push(messages[i] as OutgoingMessage);
    // A store's records are in one of the two lists in a part, so the parts' order is each store's order.
    for (const [name, list] of part.stores) addTo(stores, name, list);
    for (const [name, packed] of part.rows) addTo(stores, name, unpackRows(packed));
    for (const [key, n] of part.counters) counters.set(key, (counters.get(key) ?? 0) + n);
    deadLetters.push(...part.deadLetters);
    topicRecords += part.topicRecords;
  }
  return {
    messages: topicMessages.concat(deadLetterMessages),
    stores,
    deadLetters,
    topicRecords,
    counters,
    processMs: Math.max(0, ...slices.map((s) => s.ms)),
  };
}
