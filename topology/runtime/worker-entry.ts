import { parentPort, workerData } from "node:worker_threads";
import type { Topology } from "../dsl/topology.ts";
import { deadLetterEverything } from "./handlers.ts";
import { type ProcessingOptions, processRecords } from "./processing.ts";
import { RecordProcessor } from "./record-processor.ts";
import type { StoreRecord } from "./store.ts";
import type { WireBatch, WorkerReply, WorkerRequest } from "./worker-processing.ts";
import { packMessages, unpackRecords } from "./worker-wire.ts";

/** A processing worker (see worker-processing.ts): builds its topology once, then processes slices of batches. */
interface Data {
  module: string;
  settings: unknown;
  processing: Omit<ProcessingOptions, "handlers" | "onRetry">;
}

const port = parentPort;
if (!port) throw new Error("worker-entry.ts runs as a worker thread only");
const data = workerData as Data;

function describe(error: unknown): { name: string; code: string; message: string } {
  const e = error as {
    name?: unknown;
    code?: unknown;
    message?: unknown;
    transient?: unknown;
    permanent?: unknown;
  };
  // Only our own errors' messages are value-free; anything else is reduced to its class name.
  const ours = typeof e.code === "string" && (e.transient === true || e.permanent === true);
  return {
    name: typeof e.name === "string" ? e.name : "Error",
    code: typeof e.code === "string" ? e.code : "PROCESSING_FAILED",
    message: ours && typeof e.message === "string" ? e.message : "unexpected error in a processing worker",
  };
}

/**
 * The module a worker imports: `build` makes its topology; `warm`, optional, runs once after it, before the worker
 * reports ready; `prepareStore`, optional, turns a store's records into the form its store takes (e.g. rows already
 * encoded for COPY), here in the worker rather than on the main thread, and names the buffers to transfer with them
 * rather than copy.
 */
interface WorkerModule {
  build(settings: unknown, count: (key: string, n?: number) => void): Topology;
  /** Optional: work to do once before the first slice (loading data the processing needs). */
  warm?(): void;
  prepareStore?(store: string, records: StoreRecord[]): { records: StoreRecord[]; transfer?: ArrayBuffer[] };
}

let mod: WorkerModule;

async function main(): Promise<void> {
  let counters = new Map<string, number>();
  const count = (key: string, n = 1) => counters.set(key, (counters.get(key) ?? 0) + n);
  let processor: RecordProcessor;
  try {
    mod = (await import(data.module)) as WorkerModule;
    const topology = mod.build(data.settings, count);
    mod.warm?.();
    processor = new RecordProcessor(topology, deadLetterEverything, {
      canDeadLetter: Boolean(data.processing.deadLetterTopic),
    });
  } catch (error) {
    port!.postMessage({ startFailed: describe(error) } satisfies WorkerReply);
    return;
  }
  const abort = new AbortController();
  const options: ProcessingOptions = {
    ...data.processing,
    handlers: deadLetterEverything,
    onRetry: (code, attempt, delayMs) =>
      port!.postMessage({ retry: { code, attempt, delayMs } } satisfies WorkerReply),
  };
  // One slice at a time, in arrival order: the pool never sends a worker two slices at once.
  let queue: Promise<void> = Promise.resolve();
  port!.on("message", (request: WorkerRequest) => {
    queue = queue.then(async () => {
      counters = new Map();
      const records = unpackRecords(request.records);
      try {
        const batch = await processRecords(processor, records, options, abort.signal, counters);
        const transfer: ArrayBuffer[] = [];
        if (mod.prepareStore)
          for (const [name, list] of batch.stores) {
            const prepared = mod.prepareStore(name, list);
            batch.stores.set(name, prepared.records);
            transfer.push(...(prepared.transfer ?? []));
          }
        const messages = packMessages(batch.messages);
        const wire: WireBatch = {
          messages: messages.packed,
          stores: [...batch.stores],
          deadLetters: batch.deadLetters,
          topicRecords: batch.topicRecords,
          counters: [...batch.counters],
        };
        port!.postMessage({ id: request.id, ok: true, batch: wire } satisfies WorkerReply, [
          ...messages.transfer,
          ...transfer,
        ]);
      } catch (error) {
        port!.postMessage({ id: request.id, ok: false, error: describe(error) } satisfies WorkerReply);
      }
    });
  });
  port!.postMessage({ ready: true } satisfies WorkerReply);
}

void main();
