import { parentPort, workerData } from "node:worker_threads";
import { deadLetterEverything } from "./handlers.ts";
import type { ProcessingOptions } from "./processing.ts";
import type { WorkerReply, WorkerRequest } from "./worker-processing.ts";
import { lowerThreadPriority, SliceProcessor, type WorkerModule } from "./worker-slice.ts";

/** A processing worker (see worker-processing.ts): builds its topology once, then processes slices of batches. */
interface Data {
  module: string;
  settings: unknown;
  processing: Omit<ProcessingOptions, "handlers" | "onRetry">;
  niceness: number;
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

async function main(): Promise<void> {
  lowerThreadPriority(data.niceness);
  let counters = new Map<string, number>();
  const count = (key: string, n = 1) => counters.set(key, (counters.get(key) ?? 0) + n);
  let slices: SliceProcessor;
  try {
    const mod = (await import(data.module)) as WorkerModule;
    const topology = mod.build(data.settings, count);
    mod.warm?.();
    slices = new SliceProcessor(topology, mod.prepareStore, {
      ...data.processing,
      handlers: deadLetterEverything,
      onRetry: (code, attempt, delayMs) =>
        port!.postMessage({ retry: { code, attempt, delayMs } } satisfies WorkerReply),
    });
  } catch (error) {
    port!.postMessage({ startFailed: describe(error) } satisfies WorkerReply);
    return;
  }
  const abort = new AbortController();
  // One slice at a time, in arrival order: the pool may send the next batch's slice before this one is done.
  let queue: Promise<void> = Promise.resolve();
  port!.on("message", (request: WorkerRequest) => {
    queue = queue.then(async () => {
      counters = new Map();
      const started = performance.now();
      try {
        const { parts, transfer } = await slices.process(request.records, abort.signal, counters);
        const ms = performance.now() - started;
        port!.postMessage({ id: request.id, ok: true, parts, ms } satisfies WorkerReply, transfer);
      } catch (error) {
        port!.postMessage({ id: request.id, ok: false, error: describe(error) } satisfies WorkerReply);
      }
    });
  });
  port!.postMessage({ ready: true } satisfies WorkerReply);
}

void main();
