/**
 * The work of one processing thread, measured alone: encoded records in, through the patient topology (decode,
 * anonymise, route, encode the anonymised record), then the research rows prepared for COPY and the messages
 * packed, by the code a pipeline worker runs (topology/runtime/worker-slice.ts). No broker, registry or database:
 * the writer schema comes from memory and nothing is sent. It runs in a worker thread with the pool's
 * young-generation size, so its garbage collection behaves as in the pipeline, while the calling thread waits; the
 * CPU time is the whole process's over the run (the worker and V8's helper threads). Without the broker and
 * PostgreSQL on the same two cores, the figure moves far less from run to run than the pipeline's own, and it
 * isolates what the processing threads cost per record.
 *
 * Three passes over the same records, split by thread where Linux tells (bench/lib/stack-cpu.ts):
 * - cold: a fresh thread's first pass, as a pipeline's processing thread starts (V8 compiles as it goes, the heap
 *   grows, every patient is met for the first time);
 * - warmed: a second fresh thread, warmed up on other records first (compiled), its first pass over these records
 *   (each patient met for the first time);
 * - again: that thread's second pass over the same records (each patient met before, as far as the bounded caches
 *   and memos still hold them).
 */

import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { deadLetterEverything } from "../../topology/runtime/handlers.ts";
import { DEFAULT_YOUNG_GENERATION_MB } from "../../topology/runtime/worker-processing.ts";
import { SliceProcessor } from "../../topology/runtime/worker-slice.ts";
import { threadCpu } from "./stack-cpu.ts";

/** One measured pass. CPU in µs per record: the whole process's, then the worker thread's and V8's helpers'. */
export interface PathPass {
  cpuMicrosPerRecord: number;
  recordsPerSecond: number;
  /** Off Linux, undefined. */
  byThread: { worker: number; v8Helpers: number } | undefined;
}

/** The warmed first pass's figures at the top (as before the passes were split), then every pass. */
export interface ProcessingPathResult extends PathPass {
  records: number;
  sliceRecords: number;
  outcomes: Record<string, number>;
  cold: PathPass;
  warmed: PathPass;
  again: PathPass;
}

interface Job {
  processingPath: true;
  values: Uint8Array[];
  /** Other records, for the warm-up: the measured pass meets its patients for the first time. Empty: none. */
  warm: Uint8Array[];
  keyringJson: string;
  sliceRecords: number;
  passes: number;
}

interface JobResult {
  passes: PathPass[];
  outcomes: Record<string, number>;
}

function inWorker(job: Job): Promise<JobResult> {
  const worker = new Worker(new URL(import.meta.url), {
    workerData: job,
    resourceLimits: { maxYoungGenerationSizeMb: DEFAULT_YOUNG_GENERATION_MB },
  });
  return new Promise((resolve, reject) => {
    worker.once("message", (result: JobResult) => {
      // The thread is gone before the next one starts: its CPU is not counted in the next one's passes.
      worker.terminate().then(() => resolve(result), reject);
    });
    worker.once("error", reject);
  });
}

/**
 * Runs the processing path over `values` (wire-format records) in worker threads: one fresh (cold), one after a
 * warm-up on `warm` (twice over `values`).
 */
export async function measureProcessingPath(
  values: readonly Uint8Array[],
  warm: readonly Uint8Array[],
  keyringJson: string,
  sliceRecords = 500,
): Promise<ProcessingPathResult> {
  const job = { processingPath: true as const, values: [...values], keyringJson, sliceRecords };
  const cold = await inWorker({ ...job, warm: [], passes: 1 });
  const warmed = await inWorker({ ...job, warm: [...warm], passes: 2 });
  const [first, again] = warmed.passes as [PathPass, PathPass];
  return {
    ...first,
    records: values.length,
    sliceRecords,
    outcomes: warmed.outcomes,
    cold: cold.passes[0] as PathPass,
    warmed: first,
    again,
  };
}

async function run(job: Job): Promise<JobResult> {
  const { DEFAULT_TOKEN_CACHE_SIZE } = await import("../../anonymise/index.ts");
  const { loadAllSchemas } = await import("../../schemas/load.ts");
  const processing = await import("../../app/wiring/patient-processing.ts");
  const schemas = loadAllSchemas();
  const outcomes: Record<string, number> = {};
  // As a worker builds it (worker-entry.ts), with the writer schema from memory instead of the registry.
  const topology = processing.buildPatientProcessing(
    {
      rawTopic: "raw",
      anonymisedTopic: "anonymised",
      keyringJson: job.keyringJson,
      strategy: "pseudonymisation",
      tokenCacheSize: DEFAULT_TOKEN_CACHE_SIZE,
      schemaRegistryUrl: "http://unused.invalid",
      registryTimeoutMs: 1_000,
      outputSchemaId: 2,
      maxRecordBytes: 1_048_576,
    },
    (key, n = 1) => {
      if (key.startsWith("outcome:")) outcomes[key.slice(8)] = (outcomes[key.slice(8)] ?? 0) + n;
    },
    { writerSchema: async () => schemas.patientRecord },
  );
  processing.warm();
  const slicer = new SliceProcessor(topology, processing.prepareStore, {
    handlers: deadLetterEverything,
    deadLetterTopic: "dead-letters",
    deadLetterStore: undefined,
    retry: { initialMs: 10, maxMs: 100 },
  });
  const buffers = (list: Uint8Array[]) => list.map((v) => Buffer.from(v.buffer, v.byteOffset, v.byteLength));
  const signal = new AbortController().signal;
  const slices = async (values: Buffer[], offset: bigint): Promise<void> => {
    for (let at = 0; at < values.length; at += job.sliceRecords) {
      const records = values.slice(at, at + job.sliceRecords).map((value, i) => ({
        topic: "raw",
        partition: i % 4,
        offset: offset + BigInt(at + i),
        timestamp: 0n,
        key: undefined,
        value,
        headers: new Map<string, Buffer>(),
      }));
      await slicer.process(records, signal, new Map());
    }
  };
  // Warm-up (JIT, the writer schema) on other records, if any, then the measured passes.
  if (job.warm.length > 0) await slices(buffers(job.warm), 0n);
  const values = buffers(job.values);
  const passes: PathPass[] = [];
  for (let pass = 0; pass < job.passes; pass++) {
    // The outcomes reported are the last pass's (each pass counts the same records).
    for (const k of Object.keys(outcomes)) delete outcomes[k];
    const threads = threadCpu();
    const cpu = process.cpuUsage();
    const start = performance.now();
    await slices(values, BigInt(1_000_000_000 * (pass + 1)));
    const seconds = (performance.now() - start) / 1000;
    const used = process.cpuUsage(cpu);
    const after = threadCpu();
    const perRecord = (ms: number) => Number(((1000 * ms) / values.length).toFixed(1));
    passes.push({
      cpuMicrosPerRecord: Number(((used.user + used.system) / values.length).toFixed(1)),
      recordsPerSecond: Math.round(values.length / seconds),
      byThread:
        threads && after
          ? {
              worker: perRecord((after["workers"] ?? 0) - (threads["workers"] ?? 0)),
              v8Helpers: perRecord((after["v8"] ?? 0) - (threads["v8"] ?? 0)),
            }
          : undefined,
    });
  }
  return { passes, outcomes };
}

if (!isMainThread && (workerData as Partial<Job> | null)?.processingPath === true) {
  parentPort?.postMessage(await run(workerData as Job));
}
