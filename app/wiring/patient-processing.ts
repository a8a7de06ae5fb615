import { createAnonymiser, parseKeyring, prepareScrubber, type Strategy } from "../../anonymise/index.ts";
import type { StoreRecord } from "../../contracts/stores.ts";
import { PIPELINE_VERSION } from "../../ops/version.ts";
import { AvroDecoder, type AvroDecoderOptions, AvroEncoder } from "../../schemas/avro-codec.ts";
import { loadAllSchemas, loadSchema } from "../../schemas/load.ts";
import { RegistryClient, registryDeadlines } from "../../schemas/registry-client.ts";
import { prepareRows, researchColumns } from "../../sinks/research-columns.ts";
import type { CountFn, PreparedStore, Topology } from "../../topology/index.ts";
import { buildPatientTopology, PATIENT_STORES } from "../../topology/patient/patient-topology.ts";

/**
 * Everything needed to build the patient topology, as plain data: the same settings build it on the event loop or
 * in each worker thread (which cannot share the main thread's objects).
 */
export interface PatientProcessingSettings {
  rawTopic: string;
  anonymisedTopic: string;
  keyringJson: string;
  strategy: Strategy;
  tokenCacheSize: number;
  schemaRegistryUrl: string;
  /** REGISTRY_TIMEOUT_MS: the response deadline of writer-schema look-ups. */
  registryTimeoutMs: number;
  outputSchemaId: number;
  maxRecordBytes: number;
}

/**
 * The patient topology with its own engine, registry client and codecs; `count` feeds the batch counters.
 * `writerSchemas` replaces the registry client (the benchmark of the processing path passes schemas from memory).
 */
export function buildPatientProcessing(
  settings: PatientProcessingSettings,
  count: CountFn,
  writerSchemas?: AvroDecoderOptions["registry"],
): Topology {
  const schemas = loadAllSchemas();
  const anonymiser = createAnonymiser({
    rawSchema: schemas.patientRecord,
    anonymisedSchema: schemas.anonymisedPatientRecord,
    keyring: parseKeyring(settings.keyringJson),
    strategy: settings.strategy,
    pipelineVersion: PIPELINE_VERSION,
    tokenCacheSize: settings.tokenCacheSize,
  });
  const decoder = new AvroDecoder({
    registry:
      writerSchemas ??
      new RegistryClient(settings.schemaRegistryUrl, {
        deadlines: registryDeadlines(settings.registryTimeoutMs),
      }),
    readerSchema: schemas.patientRecord,
    maxRecordBytes: settings.maxRecordBytes,
    acceptWriter: (writer) => anonymiser.checkWriterSchema(writer),
  });
  return buildPatientTopology({
    rawTopic: settings.rawTopic,
    anonymisedTopic: settings.anonymisedTopic,
    rawSerde: decoder,
    anonymisedSerde: new AvroEncoder(schemas.anonymisedPatientRecord, settings.outputSchemaId),
    anonymiser,
    count,
  });
}

/** The entry a processing worker thread calls (topology/runtime/worker-entry.ts). */
export function build(settings: PatientProcessingSettings, count: CountFn): Topology {
  return buildPatientProcessing(settings, count);
}

/**
 * Called once in each processing worker after `build`, before it reports ready: the person-name detector's word
 * lists load now rather than in the first batch. Not part of `build`, because the main thread builds the topology
 * too (to describe it) and must not load them.
 */
export const warm = prepareScrubber;

const researchFields = researchColumns(loadSchema("anonymisedPatientRecord"));

/**
 * In a processing worker: research rows leave the worker already encoded for PostgreSQL's COPY, in one buffer
 * transferred to the main thread (with their positions packed beside it), which neither receives the record
 * objects nor encodes them. Other stores' records pass as they are.
 */
export function prepareStore(store: string, records: StoreRecord[]): PreparedStore {
  if (store !== PATIENT_STORES.anonymised) return { records };
  const prepared = prepareRows(researchFields, records);
  return { records: prepared.records, transfer: [prepared.buffer], rows: true };
}
