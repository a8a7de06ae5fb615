/**
 * The work of one processing thread, measured alone: encoded records in, through the patient topology (decode,
 * anonymise, route, encode the anonymised record), then the research rows prepared for COPY and the messages
 * packed, by the code a pipeline worker runs (topology/runtime/worker-slice.ts). No broker, registry or database:
 * the writer schema comes from memory and nothing is sent. It runs in a worker thread with the pool's
 * young-generation size, so its garbage collection behaves as in the pipeline, while the calling thread waits; the
 * CPU time is the whole process's over the run (the worker and V8's helper threads). Without the broker and
 * PostgreSQL on the same two cores, the figure moves far less from run to run than the pipeline's own, and it
 * isolates what the processing threads cost per record.
 */

import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { deadLetterEverything } from "../../topology/runtime/handlers.ts";
import { DEFAULT_YOUNG_GENERATION_MB } from "../../topology/runtime/worker-processing.ts";
import { SliceProcessor } from "../../topology/runtime/worker-slice.ts";

export interface ProcessingPathResult {
  records: number;
  sliceRecords: number;
  cpuMicrosPerRecord: number;
  recordsPerSecond: number;
  outcomes: Record<string, number>;
}

interface Job {
  processingPath: true;
  values: Uint8Array[];
  /** Other records, for the warm-up: the measured pass meets its patients for the first time. */
  warm: Uint8Array[];
  keyringJson: string;
  sliceRecords: number;
}

/** Runs the processing path over `values` (wire-format records) in a worker thread, after a warm-up on `warm`. */
export function measureProcessingPath(
  values: readonly Uint8Array[],
  warm: readonly Uint8Array[],
  keyringJson: string,
  sliceRecords = 500,
): Promise<ProcessingPathResult> {
  const job: Job = { processingPath: true, values: [...values], warm: [...warm], keyringJson, sliceRecords };
  const worker = new Worker(new URL(import.meta.url), {
    workerData: job,
    resourceLimits: { maxYoungGenerationSizeMb: DEFAULT_YOUNG_GENERATION_MB },
  });
  return new Promise((resolve, reject) => {
    worker.once("message", (result: ProcessingPathResult) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once("error", reject);
  });
}

async function run(job: Job): Promise<ProcessingPathResult> {
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
  // Warm-up (JIT, the writer schema) on other records, then one measured pass.
  await slices(buffers(job.warm), 0n);
  for (const k of Object.keys(outcomes)) delete outcomes[k];
  const values = buffers(job.values);
  const cpu = process.cpuUsage();
  const start = performance.now();
  await slices(values, 1_000_000_000n);
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  return {
    records: values.length,
    sliceRecords: job.sliceRecords,
    cpuMicrosPerRecord: Number(((used.user + used.system) / values.length).toFixed(1)),
    recordsPerSecond: Math.round(values.length / seconds),
    outcomes,
  };
}

if (!isMainThread && (workerData as Partial<Job> | null)?.processingPath === true) {
  parentPort?.postMessage(await run(workerData as Job));
}
