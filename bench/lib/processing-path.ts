/**
 * The work of one processing thread, measured alone: encoded records in, through the patient topology (decode,
 * anonymise, route, encode the anonymised record), then the research rows prepared for COPY, as a pipeline worker
 * does it (topology/runtime/worker-entry.ts). No broker, registry or database: the writer schema comes from memory
 * and nothing is sent. It runs in a worker thread with the pool's young-generation size, so its garbage collection
 * behaves as in the pipeline, while the calling thread waits; the CPU time is the whole process's over the run
 * (the worker and V8's helper threads). Without the broker and PostgreSQL on the same two cores, the figure moves
 * far less from run to run than the pipeline's own, and it isolates what the processing threads cost per record.
 */

import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { buildPatientTopology } from "../../topology/patient/patient-topology.ts";
import { deadLetterEverything } from "../../topology/runtime/handlers.ts";
import { processRecords } from "../../topology/runtime/processing.ts";
import { RecordProcessor } from "../../topology/runtime/record-processor.ts";
import { DEFAULT_YOUNG_GENERATION_MB } from "../../topology/runtime/worker-processing.ts";

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
  const { createAnonymiser, DEFAULT_TOKEN_CACHE_SIZE, parseKeyring, prepareScrubber } = await import(
    "../../anonymise/index.ts"
  );
  const { AvroDecoder, AvroEncoder } = await import("../../schemas/avro-codec.ts");
  const { loadAllSchemas } = await import("../../schemas/load.ts");
  const { prepareStore } = await import("../../app/wiring/patient-processing.ts");
  const schemas = loadAllSchemas();
  const anonymiser = createAnonymiser({
    rawSchema: schemas.patientRecord,
    anonymisedSchema: schemas.anonymisedPatientRecord,
    keyring: parseKeyring(job.keyringJson),
    strategy: "pseudonymisation",
    pipelineVersion: "bench",
    tokenCacheSize: DEFAULT_TOKEN_CACHE_SIZE,
  });
  prepareScrubber();
  const decoder = new AvroDecoder({
    registry: { writerSchema: async () => schemas.patientRecord },
    readerSchema: schemas.patientRecord,
    maxRecordBytes: 1_048_576,
    acceptWriter: (writer) => anonymiser.checkWriterSchema(writer),
  });
  const outcomes: Record<string, number> = {};
  const topology = buildPatientTopology({
    rawTopic: "raw",
    anonymisedTopic: "anonymised",
    rawSerde: decoder,
    anonymisedSerde: new AvroEncoder(schemas.anonymisedPatientRecord, 2),
    anonymiser,
    count: (key, n = 1) => {
      if (key.startsWith("outcome:")) outcomes[key.slice(8)] = (outcomes[key.slice(8)] ?? 0) + n;
    },
  });
  const processor = new RecordProcessor(topology, deadLetterEverything, { canDeadLetter: true });
  const options = {
    handlers: deadLetterEverything,
    deadLetterTopic: "dead-letters",
    deadLetterStore: undefined,
    retry: { initialMs: 10, maxMs: 100 },
  };
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
      const batch = await processRecords(processor, records, options, signal, new Map());
      for (const [name, list] of batch.stores) prepareStore(name, list);
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
