import type { AnonymiseResult, Anonymiser } from "../../anonymise/index.ts";
import { StreamsBuilder } from "../dsl/builder.ts";
import type { Topology } from "../dsl/topology.ts";
import type { Serde } from "../dsl/types.ts";

/** Names of the stores the patient topology writes; the PostgreSQL sink maps them to tables. */
export const PATIENT_STORES = Object.freeze({
  anonymised: "anonymised",
  withheld: "withheld",
  deadLetters: "dead-letters",
});

export interface PatientTopologyOptions {
  rawTopic: string;
  anonymisedTopic: string;
  /** Registry-framed Avro → in-memory raw record (refuses writer schemas the policy does not know). */
  decode(data: Buffer): unknown | Promise<unknown>;
  /** Anonymised record → registry-framed Avro, synchronously (the output schema id is resolved at start-up). */
  encode(value: Record<string, unknown>): Buffer;
  anonymiser: Anonymiser;
  /** Called once per record with the outcome (counts for metrics; the result never leaves the process). */
  onResult?(result: AnonymiseResult): void;
}

const decodeOnly = (decode: PatientTopologyOptions["decode"]): Serde<unknown> => ({
  deserialize: (data) => decode(data),
  serialize: () => {
    throw new Error("the raw record serde only decodes");
  },
});

/**
 * raw topic → decode → anonymise → split: withheld (consent) → withheld store; failed → dead letter;
 * anonymised → anonymised topic + PostgreSQL store. A record reaches research outputs only down the last branch.
 */
export function buildPatientTopology(options: PatientTopologyOptions): Topology {
  const { anonymiser } = options;
  const keyField = anonymiser.strategy === "pseudonymisation" ? "patient_id" : "record_id";
  const builder = new StreamsBuilder();
  const branches = builder
    .stream<Buffer, unknown>(options.rawTopic, { value: decodeOnly(options.decode) }, "decode-patient-record")
    .mapValues((record) => {
      const result = anonymiser.anonymise(record);
      options.onResult?.(result);
      return result;
    }, "anonymise")
    .split("route")
    .branch((_k, r) => r.kind === "withheld", "withheld")
    .branch((_k, r) => r.kind === "failed", "failed")
    .defaultBranch("anonymised");

  branches["withheld"]!.mapValues(
    (r) => ({ reason: r.kind === "withheld" ? r.reason : "UNKNOWN" }),
    "withheld-reason",
  ).toStore(PATIENT_STORES.withheld, "withheld-store");

  branches["failed"]!.toDeadLetter((_k, r) => {
    const code = r.kind === "failed" ? r.code : "ANON_INTERNAL";
    const field = r.kind === "failed" ? r.field : undefined;
    return {
      code,
      message: `anonymisation refused the record (${code}${field ? ` on field ${field}` : ""})`,
      exception: "AnonymisationFailure",
      ...(field ? { extra: { field } } : {}),
    };
  }, "anonymise-failed");

  const anonymised = branches["anonymised"]!.map((_k, r) => {
    if (r.kind !== "anonymised") throw new Error("route: non-anonymised result on the anonymised branch");
    return { key: String(r.value[keyField]), value: r.value };
  }, "unwrap-anonymised");
  anonymised.to(
    options.anonymisedTopic,
    {
      key: { serialize: (k) => Buffer.from(k), deserialize: (b) => b.toString() },
      value: { serialize: (v) => options.encode(v), deserialize: () => ({}) },
    },
    "to-anonymised-topic",
  );
  anonymised.toStore(PATIENT_STORES.anonymised, "to-research-database");
  return builder.build();
}
